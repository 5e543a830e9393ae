package io.stepcarecovery.retention;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * Which backups a store keeps: restic's {@code forget} policy ({@code --keep-last},
 * {@code --keep-daily}, {@code --keep-weekly}, {@code --keep-monthly}, {@code --keep-yearly}),
 * so the local store, the tar.gz copies and a restic repository all keep the same backups.
 * In the config, {@code keep: 14} is {@code {last: 14}} (what an integer always meant here).
 * A rule left out (or 0) keeps nothing by itself; at least one rule keeps something, so a policy
 * never means "keep everything" by accident, nor "keep nothing".
 */
public record KeepPolicy(
    @JsonProperty("last") int last,
    @JsonProperty("daily") int daily,
    @JsonProperty("weekly") int weekly,
    @JsonProperty("monthly") int monthly,
    @JsonProperty("yearly") int yearly) {

  /** The default when a CA's config says nothing: the 14 newest. */
  public static final KeepPolicy DEFAULT = lastN(14);

  /** The map form; a rule left out is 0. */
  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  public static KeepPolicy of(@JsonProperty("last") Integer last, @JsonProperty("daily") Integer daily,
      @JsonProperty("weekly") Integer weekly, @JsonProperty("monthly") Integer monthly,
      @JsonProperty("yearly") Integer yearly) {
    return new KeepPolicy(zeroIfNull(last), zeroIfNull(daily), zeroIfNull(weekly), zeroIfNull(monthly),
        zeroIfNull(yearly));
  }

  /** The integer form, {@code keep: N}: the N newest, restic's {@code --keep-last N}. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static KeepPolicy lastN(int n) {
    return new KeepPolicy(n, 0, 0, 0, 0);
  }

  private static int zeroIfNull(Integer n) {
    return n == null ? 0 : n;
  }

  /** What is wrong with it for a person to read, or null when it is usable. */
  public String problem() {
    if (last < 0 || daily < 0 || weekly < 0 || monthly < 0 || yearly < 0) {
      return "no negative counts (restic's -1, 'keep all', is not taken: a store that never"
          + " forgets fills its disk), got " + this;
    }
    if (last + daily + weekly + monthly + yearly == 0) {
      return "at least one rule above 0 (a policy that keeps nothing would forget every backup but"
          + " the newest), got " + this;
    }
    return null;
  }

  /** The same policy as restic options, e.g. {@code --keep-last 3 --keep-daily 7}. */
  public List<String> resticArgs() {
    List<String> args = new ArrayList<>();
    for (Object[] r : rules()) {
      if ((int) r[1] > 0) {
        args.add("--keep-" + r[0]);
        args.add(Integer.toString((int) r[1]));
      }
    }
    return args;
  }

  private Object[][] rules() {
    return new Object[][] {{"last", last}, {"daily", daily}, {"weekly", weekly}, {"monthly", monthly},
        {"yearly", yearly}};
  }

  /** {@code 14} for a plain count, {@code {last: 3, daily: 7}} otherwise: as it is written in the config. */
  @Override
  public String toString() {
    if (daily == 0 && weekly == 0 && monthly == 0 && yearly == 0) {
      return Integer.toString(last);
    }
    List<String> parts = new ArrayList<>();
    for (Object[] r : rules()) {
      if ((int) r[1] != 0) {
        parts.add(r[0] + ": " + r[1]);
      }
    }
    return "{" + String.join(", ", parts) + "}";
  }
}
