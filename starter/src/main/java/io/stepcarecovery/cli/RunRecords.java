package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * This host's records of its embedded runs: one small JSON file per run in a directory
 * ({@code runRecords.dir}, default {@code <lockDir>/runs}), the newest {@code keep} kept. Written
 * whole or not at all (a temporary file renamed over the record); read as untrusted input: any
 * user who can write the directory can put anything there, so a record that is not one (a link,
 * too big, not JSON, a field of the wrong kind) is skipped and named, never fatal.
 */
final class RunRecords {
  /** A record is a few hundred bytes; anything much larger is not one. */
  static final long MAX_BYTES = 64 * 1024;
  /** How long a summary may be: one line on a screen, not a log. */
  static final int MAX_SUMMARY = 400;
  private static final Set<String> STATUSES = Set.of("RUNNING", "COMPLETED", "FAILED", "CANCELED",
      "TERMINATED", "TIMED_OUT", "CONTINUED_AS_NEW");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A file in the directory that is not a readable record, and why. */
  record Skipped(Path file, String reason) {}

  /** What the directory holds: the records, newest first, and what was skipped. */
  record Read(List<RunRecord> records, List<Skipped> skipped) {}

  private final Path dir;
  private final int keep;

  RunRecords(Path dir, int keep) {
    this.dir = dir;
    this.keep = keep;
  }

  static RunRecords of(StepcaRecoveryConfig config) {
    return new RunRecords(config.runRecordsDir(), config.runRecordsKeep());
  }

  Path dir() {
    return dir;
  }

  /** Writes (or replaces) the run's record, then removes the oldest beyond {@code keep}. */
  void write(RunRecord r) throws IOException {
    String name = fileName(r.workflowId());
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".run-", ".tmp");
    try {
      Files.write(tmp, JSON.writeValueAsBytes(r));
      try {
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    prune(name);
  }

  /** The record's file name: the workflow id, which the CLI makes of a kind, a CA name and a time. */
  static String fileName(String workflowId) {
    if (workflowId == null || !workflowId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,200}")) {
      throw new IllegalArgumentException("not a workflow id for a file name: " + workflowId);
    }
    return workflowId + ".json";
  }

  /** The oldest records (by when they were last written) beyond {@code keep}; never {@code justWritten}. */
  private void prune(String justWritten) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
      for (Path p : ds) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          files.add(p);
        }
      }
    }
    if (files.size() <= keep) {
      return;
    }
    files.sort(Comparator.comparing(RunRecords::modified).reversed());
    for (Path old : files.subList(keep, files.size())) {
      if (!old.getFileName().toString().equals(justWritten)) {
        Files.deleteIfExists(old);
      }
    }
  }

  private static Instant modified(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).lastModifiedTime().toInstant();
    } catch (IOException gone) {
      return Instant.EPOCH;
    }
  }

  /** Every record in the directory, newest first (a missing directory holds none). */
  Read read() {
    List<RunRecord> records = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return new Read(records, skipped);
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
      for (Path p : ds) {
        try {
          records.add(parse(p));
        } catch (IOException | RuntimeException e) {
          skipped.add(new Skipped(p, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
      }
    } catch (IOException e) {
      skipped.add(new Skipped(dir, "cannot list the directory: " + e.getMessage()));
    }
    records.sort(Comparator.comparing((RunRecord r) -> Instant.parse(r.startTime())).reversed()
        .thenComparing(RunRecord::workflowId));
    return new Read(records, skipped);
  }

  private static RunRecord parse(Path p) throws IOException {
    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isRegularFile()) {
      throw new IOException("not a regular file" + (a.isSymbolicLink() ? " (a symbolic link)" : ""));
    }
    if (a.size() > MAX_BYTES) {
      throw new IOException(a.size() + " bytes, more than a record's " + MAX_BYTES);
    }
    JsonNode n;
    try {
      n = JSON.readTree(Files.readAllBytes(p));
    } catch (IOException e) {
      throw new IOException("not JSON");
    }
    if (n == null || !n.isObject()) {
      throw new IOException("not a JSON object");
    }
    String id = text(n, "workflowId", true);
    fileName(id); // an id the CLI could have written
    String status = text(n, "status", true);
    if (!STATUSES.contains(status)) {
      throw new IOException("unknown status '" + status + "'");
    }
    String start = time(n, "startTime", true);
    String close = time(n, "closeTime", false);
    String summary = text(n, "summary", false);
    if (summary != null && summary.length() > MAX_SUMMARY) {
      summary = summary.substring(0, MAX_SUMMARY) + Columns.ELLIPSIS;
    }
    JsonNode pid = n.get("pid");
    if (pid != null && !pid.isIntegralNumber()) {
      throw new IOException("field 'pid' is not a number");
    }
    return new RunRecord(id, text(n, "type", true), text(n, "ca", false), start, close, status, summary,
        pid == null ? -1 : pid.asLong());
  }

  private static String text(JsonNode n, String field, boolean required) throws IOException {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new IOException("no field '" + field + "'");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new IOException("field '" + field + "' is not text");
    }
    return v.asText();
  }

  private static String time(JsonNode n, String field, boolean required) throws IOException {
    String t = text(n, field, required);
    if (t != null) {
      try {
        Instant.parse(t);
      } catch (RuntimeException e) {
        throw new IOException("field '" + field + "' is not a time");
      }
    }
    return t;
  }
}
