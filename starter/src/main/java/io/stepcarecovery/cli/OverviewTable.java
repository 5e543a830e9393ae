package io.stepcarecovery.cli;

import io.stepcarecovery.checklist.Countdown;
import io.stepcarecovery.checklist.PresentedCertificates.Served;
import io.stepcarecovery.overview.Alert;
import io.stepcarecovery.overview.CaOverview;
import io.stepcarecovery.text.TerminalText;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code overview} as a person reads it: one row per CA (health, last backup, last drill,
 * intermediate, earliest service certificate), each alerting state under its CA's row marked
 * {@code !}, and a last line that says whether anything alerts. Every text from outside (names,
 * store URIs, probe answers) is neutralised; rows are cut and alerts wrapped to {@code width}.
 */
final class OverviewTable {
  static final List<String> HEADER = List.of("CA", "HEALTH", "LAST BACKUP", "LAST DRILL", "INTERMEDIATE",
      "EARLIEST SERVICE CERTIFICATE");
  /** No terminal to fit (a pipe, a cron mail, a CI log): nothing is cut. */
  static final int UNLIMITED = Integer.MAX_VALUE;

  /** One CA's row and its alerts. */
  record Row(CaOverview ca, List<Alert> alerts) {}

  private OverviewTable() {}

  static List<String> lines(List<Row> rows, List<Served> unattributed, Instant now, int width) {
    List<List<String>> cells = new ArrayList<>();
    cells.add(HEADER);
    for (Row r : rows) {
      cells.add(cells(r.ca(), now));
    }
    int[] w = new int[HEADER.size()];
    for (List<String> row : cells) {
      for (int i = 0; i < row.size(); i++) {
        w[i] = Math.max(w[i], Columns.width(row.get(i)));
      }
    }
    List<String> out = new ArrayList<>();
    for (int k = 0; k < cells.size(); k++) {
      StringBuilder line = new StringBuilder();
      List<String> row = cells.get(k);
      for (int i = 0; i < row.size(); i++) {
        line.append(row.get(i));
        if (i < row.size() - 1) {
          line.append(" ".repeat(w[i] - Columns.width(row.get(i)) + 2));
        }
      }
      out.add(Columns.cut(line.toString(), width));
      if (k > 0) {
        for (Alert a : rows.get(k - 1).alerts()) {
          out.addAll(wrap("  ! ", TerminalText.line(a.text()), width));
        }
        out.addAll(countdown(rows.get(k - 1), now, width));
      }
    }
    for (Served s : unattributed) {
      out.addAll(wrap("  ? ", TerminalText.line(s.url() + ": " + (s.notAfter() == null ? s.problem()
          : "its certificate leads to no configured CA's root; " + Countdown.left(s.notAfter(), now))), width));
    }
    long alerting = rows.stream().filter(r -> !r.alerts().isEmpty()).count();
    long alerts = rows.stream().mapToLong(r -> r.alerts().size()).sum();
    out.add(alerting == 0 ? "Nothing alerting on " + cas(rows.size()) + "."
        : alerting + " of " + cas(rows.size()) + " ALERTING (" + alerts + " alert" + (alerts == 1 ? "" : "s") + ").");
    return out;
  }

  static List<String> cells(CaOverview o, Instant now) {
    return List.of(TerminalText.line(o.ca()), o.up() ? "up" : "DOWN", backup(o, now), drill(o, now),
        o.intermediate() == null ? "unknown" : Countdown.left(o.intermediate().notAfter(), now), earliest(o, now));
  }

  /** "3 h 2 min ago: local, sftp://backup@host/srv", "none", "none (…not a directory on this host)". */
  static String backup(CaOverview o, Instant now) {
    if (o.lastBackup() == null) {
      return o.storeNote() == null ? "none" : "none here";
    }
    return Countdown.span(Duration.between(o.lastBackup().createdAt(), now)) + " ago: "
        + TerminalText.line(o.lastBackup().stores().isEmpty() ? "?" : String.join(", ", o.lastBackup().stores()));
  }

  /** "ok, RTO 4.2 s, 2 d 1 h ago", "FAILED 3 h 0 min ago", "never". */
  static String drill(CaOverview o, Instant now) {
    CaOverview.LastDrill d = o.lastDrill();
    if (d == null) {
      return o.storeNote() == null ? "never" : "unknown here";
    }
    String ago = Countdown.span(Duration.between(d.finishedAt(), now)) + " ago";
    if (!d.ok()) {
      return "FAILED " + ago;
    }
    return "ok" + (d.rtoMillis() < 0 ? "" : String.format(java.util.Locale.ROOT, ", RTO %.1f s", d.rtoMillis() / 1000.0))
        + ", " + ago;
  }

  /** "app.internal expires in 13 h 20 min", "-" (no service of this CA), "none readable". */
  static String earliest(CaOverview o, Instant now) {
    if (o.services().isEmpty()) {
      return "-";
    }
    return o.earliest().map(s -> TerminalText.line(Countdown.line(s.url(), s.notAfter(), now)))
        .orElse("none readable (" + o.services().size() + " unreachable)");
  }

  /**
   * A CA that is down, its countdown not yet alerting: the earliest expiry on a line of its own all
   * the same. It is the column an 80-column terminal cuts first, and the one fact a person needs
   * while the CA is down (how long until services break).
   */
  private static List<String> countdown(Row r, Instant now, int width) {
    CaOverview o = r.ca();
    if (o.up() || r.alerts().stream().anyMatch(a -> "StepcaTlsCountdown".equals(a.rule()))) {
      return List.of();
    }
    return o.earliest().map(s -> wrap("  · ", "down, nothing renews; first to expire: "
        + TerminalText.line(Countdown.line(s.url(), s.notAfter(), now)) + " (" + s.notAfter() + ")", width))
        .orElse(List.of());
  }

  private static String cas(int n) {
    return n + " CA" + (n == 1 ? "" : "s");
  }

  /** {@code prefix + text}, wrapped at spaces to {@code width}, continuation lines indented like the text. */
  static List<String> wrap(String prefix, String text, int width) {
    List<String> out = new ArrayList<>();
    String indent = " ".repeat(prefix.length());
    String line = prefix;
    boolean empty = true;
    for (String word : text.split(" ")) {
      String candidate = empty ? line + word : line + " " + word;
      if (!empty && Columns.width(candidate) > width) {
        out.add(line);
        line = indent + word;
      } else {
        line = candidate;
      }
      empty = false;
    }
    out.add(line);
    // a single word wider than the terminal is cut rather than wrapped mid-word
    return out.stream().map(l -> Columns.cut(l, width)).toList();
  }
}
