package io.stepcarecovery.retention;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * restic's {@code forget} decision (restic 0.14, {@code ApplyPolicy} in
 * internal/restic/snapshot_policy.go), on anything with an id and a time. Newest first, each rule
 * walks the list with its own counter: a backup whose bucket (its local day, ISO week, month or
 * year; for {@code last}, itself) differs from that of the previous backup the rule kept is kept
 * by that rule, which then counts one down. So each rule keeps the newest backup of each of its N
 * newest buckets, and a backup is kept when any rule keeps it.
 *
 * <p>Buckets use the local calendar of {@code zone}, as restic does with the host's local time.
 * restic 0.16 and later also keep the oldest backup while a rule has counts left; 0.14 (Debian
 * bookworm's, the one the lab installs) does not, and neither does this.
 */
public final class Retention {
  private Retention() {}

  /** A backup as retention sees it. */
  public record Dated(String id, Instant time) {}

  /**
   * @param keep newest first, with the rules that keep each ("last", "daily", ...)
   * @param remove newest first
   */
  public record Decision(List<Kept> keep, List<Dated> remove) {
    public List<String> removedIds() {
      return remove.stream().map(Dated::id).toList();
    }

    public List<String> keptIds() {
      return keep.stream().map(k -> k.backup().id()).toList();
    }
  }

  public record Kept(Dated backup, List<String> rules) {}

  public static Decision apply(List<Dated> backups, KeepPolicy policy, ZoneId zone) {
    if (policy.problem() != null) {
      // restic keeps everything on an empty policy; the config refuses one before it gets here.
      throw new IllegalArgumentException("keep: expected " + policy.problem());
    }
    List<Dated> list = new ArrayList<>(backups);
    // restic's sort: newest first, stable (equal times keep the order given).
    list.sort(Comparator.comparing(Dated::time).reversed());
    Rule[] rules = {
        new Rule("last", policy.last(), (d) -> 0), // replaced below by the position: every backup its own bucket
        new Rule("daily", policy.daily(), d -> d.getYear() * 10_000L + d.getMonthValue() * 100L + d.getDayOfMonth()),
        new Rule("weekly", policy.weekly(),
            d -> d.get(IsoFields.WEEK_BASED_YEAR) * 100L + d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)),
        new Rule("monthly", policy.monthly(), d -> d.getYear() * 100L + d.getMonthValue()),
        new Rule("yearly", policy.yearly(), d -> d.getYear()),
    };
    List<Kept> keep = new ArrayList<>();
    List<Dated> remove = new ArrayList<>();
    for (int nr = 0; nr < list.size(); nr++) {
      Dated cur = list.get(nr);
      ZonedDateTime local = cur.time().atZone(zone);
      List<String> why = new ArrayList<>();
      for (Rule r : rules) {
        if (r.count > 0) {
          long bucket = r.name.equals("last") ? nr : r.bucket.applyAsLong(local);
          if (bucket != r.lastBucket) {
            r.lastBucket = bucket;
            r.count--;
            why.add(r.name);
          }
        }
      }
      if (why.isEmpty()) {
        remove.add(cur);
      } else {
        keep.add(new Kept(cur, List.copyOf(why)));
      }
    }
    return new Decision(List.copyOf(keep), List.copyOf(remove));
  }

  private static final class Rule {
    final String name;
    final ToLongFunction<ZonedDateTime> bucket;
    int count;
    long lastBucket = -1;

    Rule(String name, int count, ToLongFunction<ZonedDateTime> bucket) {
      this.name = name;
      this.count = count;
      this.bucket = bucket;
    }
  }
}
