package io.stepcarecovery.checklist;

import io.stepcarecovery.checklist.Diagnoses.Diagnosis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Scans step-ca's recent log lines for the failures a restore produces and maps each to the
 * failure-mode table ({@link Diagnoses}).
 *
 * <p>Only the lines since the last start count: step-ca 0.19 prints "Starting Smallstep CA/..."
 * once its authority is initialised (keys, database), just before "Serving HTTPS on ...". A start
 * that fails during initialisation prints no such line; so the window is everything after the
 * last "Starting" line — the current run's lines plus any failed attempt after it. With no such
 * line in the tail, all lines are scanned.
 *
 * <p>Request-log lines (they carry a request-id) are not startup errors and are never quoted:
 * step-ca writes the one-time token of every sign request into them.
 */
public final class LogScanner {
  static final String START_MARKER = "Starting Smallstep CA";
  private static final int QUOTE_MAX = 200;

  private record Rule(Pattern pattern, Function<Context, Diagnosis> diagnosis) {}

  /** What the diagnoses need to name (owner, paths, address). */
  public record Context(String owner, Path stepPath, String address) {}

  /** A log line that matched, the diagnosis for it, and whether it was a known failure. */
  public record Finding(int index, String quotedLine, Diagnosis diagnosis, boolean known) {}

  /** @param scanned lines in the window; findings oldest first */
  public record Result(int scanned, boolean sinceStart, List<Finding> findings) {
    /** The latest known failure, else the latest generic error line; null when clean. */
    public Finding decisive() {
      Finding generic = null;
      for (int i = findings.size() - 1; i >= 0; i--) {
        Finding f = findings.get(i);
        if (f.known()) {
          return f;
        }
        if (generic == null) {
          generic = f;
        }
      }
      return generic;
    }
  }

  private static final List<Rule> RULES = List.of(
      // step-ca's database lines first: "dial unix ...: permission denied" or "no such file" is the
      // database's socket, not the CA's files (go-sql-driver prints "Error 1045: ...")
      new Rule(Pattern.compile("Error 1045\\b|Access denied for user \\S+ \\(using password"),
          c -> Diagnoses.databaseAccessDenied(null, null)),
      new Rule(Pattern.compile("Error 1044\\b|Access denied for user \\S+ to database"),
          c -> Diagnoses.databaseAccessDeniedToDatabase(null, null)),
      new Rule(Pattern.compile("Error 1049\\b|Unknown database '"),
          c -> Diagnoses.databaseUnknown(null)),
      new Rule(Pattern.compile("dial (tcp|unix) \\S+: (connect: )?(connection refused|i/o timeout|no route to host"
          + "|network is unreachable|no such file or directory|permission denied)|dial tcp: lookup \\S+.*no such host"),
          c -> Diagnoses.databaseUnreachable(null)),
      new Rule(Pattern.compile("permission denied", Pattern.CASE_INSENSITIVE),
          c -> Diagnoses.permissions(c.owner(), c.stepPath())),
      new Rule(Pattern.compile("decryption password incorrect", Pattern.CASE_INSENSITIVE),
          c -> Diagnoses.wrongCaPasswordFile()),
      new Rule(Pattern.compile("manifest has unsupported version", Pattern.CASE_INSENSITIVE),
          c -> Diagnoses.dbTypeMismatch()),
      new Rule(Pattern.compile("manifest has bad magic|checksum mismatch|file does not exist for table"
          + "|manifest file is corrupt|MANIFEST removed", Pattern.CASE_INSENSITIVE),
          c -> Diagnoses.corruptDatabase(c.stepPath())),
      new Rule(Pattern.compile("value log truncate required", Pattern.CASE_INSENSITIVE),
          c -> Diagnoses.tornBadgerCopy()),
      new Rule(Pattern.compile("address already in use", Pattern.CASE_INSENSITIVE),
          c -> Diagnoses.addressInUse(c.address())),
      new Rule(Pattern.compile("no such file or directory", Pattern.CASE_INSENSITIVE),
          c -> Diagnoses.missingFile()));

  private static final Pattern GENERIC = Pattern.compile("\\b(error|fatal|panic)\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*");
  private static final Pattern OTT = Pattern.compile("(ott=)\\S+");

  private LogScanner() {}

  public static Result scan(List<String> lines, Context context) {
    int start = -1;
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).contains(START_MARKER)) {
        start = i;
        break;
      }
    }
    int from = Math.max(start, 0);
    List<Finding> findings = new ArrayList<>();
    for (int i = from; i < lines.size(); i++) {
      String line = lines.get(i);
      if (isRequestLog(line)) {
        continue;
      }
      Rule rule = RULES.stream().filter(r -> r.pattern().matcher(line).find()).findFirst().orElse(null);
      if (rule != null) {
        findings.add(new Finding(i, quote(line), rule.diagnosis().apply(context), true));
      } else if (GENERIC.matcher(line).find() && !isBenign(line)) {
        findings.add(new Finding(i, quote(line), Diagnoses.startupError(), false));
      }
    }
    return new Result(lines.size() - from, start >= 0, List.copyOf(findings));
  }

  static boolean isRequestLog(String line) {
    return line.contains("request-id");
  }

  private static boolean isBenign(String line) {
    String l = line.toLowerCase(Locale.ROOT);
    // badger's informational lines ("INFO: ... 0 errors") are not failures
    return l.contains(" info: ") && !l.contains("error:");
  }

  /** A log line short enough for a checklist detail, with anything token-like removed. */
  static String quote(String line) {
    String s = OTT.matcher(line.strip()).replaceAll("$1[redacted]");
    s = JWT.matcher(s).replaceAll("[redacted]");
    // step-ca prints its MySQL DSN, password included, when the database is unreachable
    s = io.stepcarecovery.sqldb.DsnRedaction.redact(s);
    return s.length() <= QUOTE_MAX ? s : s.substring(0, QUOTE_MAX) + "…";
  }
}
