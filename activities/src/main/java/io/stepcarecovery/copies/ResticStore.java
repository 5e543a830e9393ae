package io.stepcarecovery.copies;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.archive.ArchiveReader;
import io.stepcarecovery.archive.ArchiveWriter;
import io.stepcarecovery.archive.Manifest;
import io.stepcarecovery.archive.TarTreeVerifier;
import io.stepcarecovery.archive.UnsafeArchiveException;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.CopyConfig;
import io.stepcarecovery.retention.KeepPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies to a restic repository (any URL restic takes: a path, sftp:, s3:, rest:): the backup's
 * snapshot directory, its manifest and its record, as one restic snapshot tagged
 * {@code stepca-recovery}, {@code ca=<ca>} and {@code backup=<id>} and dated with the backup's
 * time, so repeated backups cost what changed and restic's {@code forget} buckets them as the
 * local store's retention does. restic encrypts with the repository's password.
 *
 * <p>What it backs up: the snapshot directory the archive was made from while the backup's work
 * area still holds it (no extra read of the CA's data, and the same tree every time so restic's
 * parent snapshot lets it skip unchanged files); when that is gone (a copy retried after the
 * work area was discarded), the verified archive extracted to the same layout, which is what the
 * snapshot held. Both are backed up from inside a directory laid out as {@code snapshot/},
 * {@code manifest.json}, {@code record.json}, by relative names, so every snapshot of the CA has
 * the same tree whatever the work directory's name.
 *
 * <p>Verified by reading the new snapshot back whole ({@code restic dump ... --archive tar}) and
 * checking every file against the manifest's SHA-256s with the archive's own checks
 * ({@link TarTreeVerifier}): it proves what a recovery would get, end to end, without writing
 * key material anywhere. ({@code restic check --read-data-subset} checks packs, but neither
 * which packs hold this backup nor that the files are the ones the manifest lists.) A snapshot
 * that does not verify is forgotten at once: nothing unverified lists.
 */
public final class ResticStore implements OffsiteStore {
  private static final Logger log = LoggerFactory.getLogger(ResticStore.class);
  static final String TAG = "stepca-recovery";
  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  /** Backups, dumps and restores of a CA's data; the progress callback ends them on cancel. */
  private static final Duration LONG = Duration.ofHours(6);
  private static final Duration SHORT = Duration.ofMinutes(10);
  private static final DateTimeFormatter RESTIC_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  static final String SNAPSHOT = "snapshot";
  static final String MANIFEST = "manifest.json";
  static final String RECORD = "record.json";

  private final String ca;
  private final CopyConfig.Restic config;
  private final ResticProcess restic;

  private ResticStore(String ca, CopyConfig.Restic config) {
    this.ca = ca;
    this.config = config;
    this.restic = new ResticProcess(config);
  }

  public static OffsiteStore open(String ca, CopyConfig.Restic config) {
    return new ResticStore(ca, config);
  }

  @Override
  public String uri() {
    return config.uri();
  }

  /** A snapshot of this CA in the repository. */
  record Snap(String id, String backupId, Instant time) {}

  @Override
  public CopyReport put(LocalBackup b, LongConsumer progress) throws IOException {
    requireRepository();
    for (Snap earlier : snapshotsOf(b.backupId())) {
      // A retry: the earlier attempt's snapshot counts if it verifies, else it goes.
      try {
        check(earlier, progress);
        return new CopyReport(uri(), true, null, null, earlier.id());
      } catch (UnsafeArchiveException | IOException e) {
        log.warn("{}: snapshot {} of backup {} from an earlier attempt does not verify ({}); forgotten",
            uri(), earlier.id(), b.backupId(), e.getMessage());
        forgetSnapshots(List.of(earlier.id()), false);
      }
    }
    Path source = null;
    Path extracted = null;
    try {
      if (b.snapshot() != null && Files.isDirectory(b.snapshot(), LinkOption.NOFOLLOW_LINKS)
          && b.manifest() != null && Files.isRegularFile(b.manifest())
          && b.snapshot().getFileName().toString().equals(SNAPSHOT)
          && b.manifest().getFileName().toString().equals(MANIFEST)
          && b.snapshot().getParent().equals(b.manifest().getParent())) {
        source = b.snapshot().getParent();
      } else {
        extracted = extract(b, progress);
        source = extracted;
      }
      Files.copy(b.recordFile(), source.resolve(RECORD), StandardCopyOption.REPLACE_EXISTING);
      List<String> args = new ArrayList<>(List.of("backup", "--json", "--tag", TAG, "--tag", "ca=" + ca,
          "--tag", "backup=" + b.backupId(), "--time", resticTime(Instant.parse(b.record().createdAt()))));
      latest().ifPresent(parent -> args.addAll(List.of("--parent", parent.id())));
      args.addAll(List.of(SNAPSHOT, MANIFEST, RECORD));
      String shortId = summary(restic.run(source, LONG, progress, args));
      // Reported and used by its full id, as restic snapshots lists it.
      Snap made = snapshotsOf(b.backupId()).stream().filter(s -> s.id().startsWith(shortId)).findFirst()
          .orElseThrow(() -> new IOException("restic backup on " + uri() + " made snapshot " + shortId
              + " but restic snapshots does not list it"));
      String id = made.id();
      try {
        check(made, progress);
      } catch (UnsafeArchiveException e) {
        forgetSnapshots(List.of(id), false);
        throw new CopyException(uri() + ": snapshot " + id + " of backup " + b.backupId()
            + " does not match its manifest when read back (" + e.getMessage() + "); forgotten", e);
      }
      return new CopyReport(uri(), true, null, null, id);
    } finally {
      if (source != null) {
        Files.deleteIfExists(source.resolve(RECORD));
      }
      if (extracted != null) {
        deleteTree(extracted);
      }
    }
  }

  /** The snapshot id from {@code restic backup --json}'s summary line. */
  private String summary(byte[] out) throws IOException {
    String[] lines = new String(out, StandardCharsets.UTF_8).split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      if (lines[i].contains("\"summary\"")) {
        JsonNode s = JSON.readTree(lines[i]);
        if (s.hasNonNull("snapshot_id")) {
          return s.get("snapshot_id").asText();
        }
      }
    }
    throw new IOException("restic backup on " + uri() + " printed no snapshot id");
  }

  /**
   * The verified archive extracted as the snapshot directory was: {@code snapshot/<absolute
   * paths>} and {@code manifest.json}, in the store's work area (key material: owner-only).
   */
  private Path extract(LocalBackup b, LongConsumer progress) throws IOException {
    if (b.record().encryptedTo() != null) {
      throw new CopyException(uri() + ": backup " + b.backupId() + " is encrypted and its snapshot"
          + " directory is gone: a restic copy is made from the snapshot at backup time (back up again)");
    }
    Path stage = b.archive().getParent().resolve(".work").resolve(b.backupId() + ".restic");
    if (Files.exists(stage)) {
      deleteTree(stage);
    }
    Files.createDirectories(stage.resolve(SNAPSHOT),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path root = stage.resolve(SNAPSHOT);
    ArchiveReader.Verified v = ArchiveReader.read(b.archive(), ArchiveReader.Limits.DEFAULT, new ArchiveReader.Sink() {
      @Override
      public void directory(String path, int mode) throws IOException {
        Path d = under(root, path);
        Files.createDirectories(d);
        Files.setPosixFilePermissions(d, perms(mode | 0700));
      }

      @Override
      public OutputStream file(String path, int mode) throws IOException {
        Path f = under(root, path);
        Files.createDirectories(f.getParent());
        OutputStream out = Files.newOutputStream(f);
        return new java.io.FilterOutputStream(out) {
          @Override
          public void write(byte[] buf, int off, int len) throws IOException {
            out.write(buf, off, len);
          }

          @Override
          public void close() throws IOException {
            super.close();
            Files.setPosixFilePermissions(f, perms(mode));
          }
        };
      }

      @Override
      public void symlink(String path, String target) throws IOException {
        Path l = under(root, path);
        Files.createDirectories(l.getParent());
        Files.createSymbolicLink(l, Path.of(target));
      }
    }, progress);
    Files.write(stage.resolve(MANIFEST), v.manifest().toJson());
    return stage;
  }

  private static Path under(Path root, String absolute) {
    Path p = root.resolve(absolute.substring(1)).normalize();
    if (!p.startsWith(root)) {
      throw new UnsafeArchiveException(absolute + " leads outside the extraction directory");
    }
    return p;
  }

  private static Set<PosixFilePermission> perms(int mode) {
    StringBuilder s = new StringBuilder();
    String rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) {
      s.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
    }
    return PosixFilePermissions.fromString(s.toString());
  }

  @Override
  public CopyReport verify(String backupId, LongConsumer progress) throws IOException {
    Snap s = only(backupId);
    check(s, progress);
    return new CopyReport(uri(), true, null, null, s.id());
  }

  /**
   * Reads the snapshot back whole and checks it: the record and manifest are this backup's, and
   * every file matches the manifest (the archive's checks, {@link TarTreeVerifier}).
   */
  Manifest check(Snap s, LongConsumer progress) throws IOException {
    String where = uri() + " snapshot " + s.id();
    byte[] manifest = restic.run(null, SHORT, progress, List.of("dump", s.id(), "/" + MANIFEST));
    StoredBackup record = JSON.readValue(restic.run(null, SHORT, progress, List.of("dump", s.id(), "/" + RECORD)),
        StoredBackup.class);
    Manifest m = Manifest.parse(manifest);
    if (!s.backupId().equals(m.backupId()) || !s.backupId().equals(record.backupId())
        || !ca.equals(m.ca()) || !ca.equals(record.ca())) {
      throw new UnsafeArchiveException(where + " is tagged backup=" + s.backupId() + " of CA " + ca
          + " but holds backup " + m.backupId() + " of CA " + m.ca() + ": refused");
    }
    Manifest[] verified = new Manifest[1];
    ResticProcess.Output o = restic.run(null, LONG, progress,
        List.of("dump", s.id(), "/" + SNAPSHOT, "--archive", "tar"), in -> {
          verified[0] = TarTreeVerifier.verify(where, in, SNAPSHOT + "/", manifest, progress);
          return new byte[0];
        });
    if (o.exitCode() != 0) {
      throw new IOException(restic.failure(List.of("dump"), o));
    }
    return verified[0];
  }

  @Override
  public List<StoredBackup> list() throws IOException {
    // Only what restic's snapshot list holds: the id and time (restic keeps no more per
    // snapshot without reading its tree); fetch reads the record itself.
    return snapshots().stream()
        .map(s -> new StoredBackup(s.backupId(), ca, "restic snapshot " + s.id(), null, 0, s.time().toString(),
            null, null, null, null, List.of(), null))
        .toList();
  }

  /** This CA's snapshots, newest first. */
  List<Snap> snapshots() throws IOException {
    requireRepository();
    JsonNode all = JSON.readTree(restic.run(null, SHORT, n -> {},
        List.of("snapshots", "--json", "--tag", TAG + ",ca=" + ca)));
    List<Snap> out = new ArrayList<>();
    if (all != null && all.isArray()) {
      for (JsonNode sn : all) {
        String backup = null;
        for (JsonNode t : sn.path("tags")) {
          if (t.asText().startsWith("backup=")) {
            backup = t.asText().substring("backup=".length());
          }
        }
        if (backup != null && backup.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
          out.add(new Snap(sn.get("id").asText(), backup, java.time.OffsetDateTime.parse(sn.get("time").asText()).toInstant()));
        }
      }
    }
    out.sort(Comparator.comparing(Snap::time).reversed());
    return out;
  }

  private java.util.Optional<Snap> latest() throws IOException {
    return snapshots().stream().findFirst();
  }

  private List<Snap> snapshotsOf(String backupId) throws IOException {
    return snapshots().stream().filter(s -> s.backupId().equals(backupId)).toList();
  }

  private Snap only(String backupId) throws IOException {
    List<Snap> s = snapshotsOf(backupId);
    if (s.isEmpty()) {
      throw new CopyException(uri() + " holds no snapshot of backup " + backupId + " of CA " + ca);
    }
    if (s.size() > 1) {
      throw new CopyException(uri() + " holds " + s.size() + " snapshots tagged backup=" + backupId
          + " (" + s.stream().map(Snap::id).toList() + "): refused, one of them is not this tool's;"
          + " look with restic snapshots --tag backup=" + backupId);
    }
    return s.get(0);
  }

  /**
   * Restores the snapshot into {@code dir}, checks every file against the manifest, and only
   * then lays it out as the local store does: {@code <id>.tar.gz} written from the checked files
   * with the backup's manifest, read back with the archive's checks, and {@code <id>.json}. The
   * restore then verifies that archive as it would any. The archive is new bytes (a restic copy
   * keeps files, not the tar.gz), so it is neither encrypted nor signed: a restoring host that
   * requires signatures (verifyWith) refuses it, and restic's authenticated encryption is what
   * vouches for it.
   */
  @Override
  public StoredBackup fetch(String backupId, Path dir, LongConsumer progress) throws IOException {
    Snap s = only(backupId);
    String where = uri() + " snapshot " + s.id();
    Path stage = dir.resolve("." + backupId + ".restic-restore");
    if (Files.exists(stage)) {
      deleteTree(stage);
    }
    Files.createDirectories(stage, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      restic.run(null, LONG, progress, List.of("restore", s.id(), "--target", stage.toString()));
      Manifest m = Manifest.parse(Files.readAllBytes(stage.resolve(MANIFEST)));
      StoredBackup record = JSON.readValue(stage.resolve(RECORD).toFile(), StoredBackup.class);
      if (!backupId.equals(m.backupId()) || !backupId.equals(record.backupId()) || !ca.equals(m.ca())) {
        throw new UnsafeArchiveException(where + " is tagged backup=" + backupId + " but holds backup "
            + m.backupId() + " of CA " + m.ca() + ": refused");
      }
      Path archive = dir.resolve(backupId + ".tar.gz");
      Path partial = dir.resolve("." + backupId + ".tar.gz.partial");
      ArchiveReader.Verified v;
      try {
        ArchiveWriter.write(stage.resolve(SNAPSHOT), m, partial, progress);
        // The archive's own checks on what was written, then its files against the backup's manifest.
        v = ArchiveReader.read(partial, ArchiveReader.Limits.DEFAULT, null, progress);
        String differs = SnapshotFiles.difference(m, v.manifest());
        if (differs != null) {
          throw new UnsafeArchiveException(where + ": the restored files do not match the backup's manifest ("
              + differs + "): refused; use another backup or store");
        }
        Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(partial); // refused: nothing of it is left to restore
      }
      StoredBackup here = new StoredBackup(backupId, ca, archive.getFileName().toString(), v.sha256(),
          v.sizeBytes(), record.createdAt(), record.reason(), record.dbType(), record.rootFingerprint(),
          record.intermediateFingerprint(), record.roots(), null, null, record.dump(), record.caDowntimeMillis());
      Path json = dir.resolve(backupId + ".json");
      Files.write(json, JSON.writeValueAsBytes(here));
      return new StoredBackup(backupId, ca, archive.toString(), here.sha256(), here.sizeBytes(), here.createdAt(),
          here.reason(), here.dbType(), here.rootFingerprint(), here.intermediateFingerprint(), here.roots(), null, null,
          here.dump(), here.caDowntimeMillis());
    } finally {
      deleteTree(stage);
    }
  }

  @Override
  public void delete(String backupId) throws IOException {
    List<String> ids = snapshotsOf(backupId).stream().map(Snap::id).toList();
    if (!ids.isEmpty()) {
      forgetSnapshots(ids, true);
    }
  }

  private void forgetSnapshots(List<String> ids, boolean prune) throws IOException {
    List<String> args = new ArrayList<>(List.of("forget"));
    if (prune) {
      args.add("--prune");
    }
    args.addAll(ids);
    restic.run(null, LONG, n -> {}, args);
  }

  /**
   * The retention policy by restic's own {@code forget} on this CA's snapshots (one group: the
   * work directories differ, so restic's default grouping by paths would make each its own).
   *
   * @return the backup ids restic removes (or would, with {@code dryRun}), newest first
   */
  public List<String> forget(KeepPolicy policy, boolean dryRun) throws IOException {
    return forget(policy, java.util.Set.of(), dryRun);
  }

  /**
   * restic's own forget with the policy; the backups in {@code protect} (the newest that passed a
   * drill) stay whatever the policy says: one {@code --keep-tag backup=ID} each.
   */
  public List<String> forget(KeepPolicy policy, java.util.Set<String> protect, boolean dryRun) throws IOException {
    requireRepository();
    List<String> args = new ArrayList<>(List.of("forget", "--json", "--tag", TAG + ",ca=" + ca, "--group-by", ""));
    args.addAll(policy.resticArgs());
    for (String id : new java.util.TreeSet<>(protect)) {
      args.addAll(List.of("--keep-tag", "backup=" + id));
    }
    args.add(dryRun ? "--dry-run" : "--prune");
    byte[] out = restic.run(null, LONG, n -> {}, args);
    List<String> removed = new ArrayList<>();
    // With --prune, restic prints prune's report after the JSON: read the first document only.
    JsonNode groups;
    try (var parser = JSON.getFactory().createParser(out)) {
      groups = JSON.readTree(parser);
    }
    if (groups != null) {
      for (JsonNode g : groups) {
        for (JsonNode sn : g.path("remove")) {
          for (JsonNode t : sn.path("tags")) {
            if (t.asText().startsWith("backup=")) {
              removed.add(t.asText().substring("backup=".length()));
            }
          }
        }
      }
    }
    return removed;
  }

  private void requireRepository() throws IOException {
    ResticProcess.Output o = restic.runAllowingFailure(null, SHORT, n -> {}, List.of("cat", "config"));
    if (o.exitCode() != 0) {
      throw new IOException(restic.failure(List.of("cat config"), o) + " (is there a repository? create"
          + " one with: restic init -r " + config.repository() + " --password-file " + config.passwordFile() + ")");
    }
  }

  /** restic's --time: the local time of the backup, which restic reads in the same zone (TZ is passed). */
  static String resticTime(Instant t) {
    return RESTIC_TIME.format(LocalDateTime.ofInstant(t, ZoneId.systemDefault()));
  }

  private static void deleteTree(Path top) throws IOException {
    if (!Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(top)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Override
  public void close() {}
}
