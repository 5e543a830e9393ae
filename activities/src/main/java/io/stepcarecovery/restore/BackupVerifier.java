package io.stepcarecovery.restore;

import io.stepcarecovery.Heartbeat;
import io.stepcarecovery.archive.ArchiveReader;
import io.stepcarecovery.archive.Manifest;
import io.stepcarecovery.archive.UnsafeArchiveException;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.ca.Fingerprints;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.encryption.BackupEncryption;
import io.stepcarecovery.signing.BackupSignature;
import io.stepcarecovery.store.BackupLookup;
import io.stepcarecovery.store.BackupStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a stored backup may be restored on this host, decided from one full read of it: the
 * SHA-256 it was stored with, every file against its manifest, its signature and root, and every
 * path it writes one of this CA's own here. Only what passed all of this is a {@link RestorePlan}.
 */
final class BackupVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(BackupVerifier.class);

  private BackupVerifier() {}

  static RestorePlan verify(CaConfig c, String ca, String backup, boolean allowForeignRoot,
      List<String> allowPaths) throws IOException {
    BackupStore store = new BackupStore(c.backups().store(), ca);
    StoredBackup stored = BackupLookup.find(store, ca, backup);
    Path archive = Path.of(stored.archive()); // listed only when it is the store's own name for it
    ArchiveReader.Verified v = ArchiveReader.read(archive, reading(c, archive, stored.backupId()),
        ArchiveReader.Limits.DEFAULT, null,
        Heartbeat.of("verify " + stored.backupId()));
    return check(c, ca, stored, archive, v, allowForeignRoot, allowPaths);
  }

  /** What verifyBackup requires of a read that returned, whatever the read extracted. */
  static RestorePlan check(CaConfig c, String ca, StoredBackup stored, Path archive,
      ArchiveReader.Verified v, boolean allowForeignRoot, List<String> allowPaths) throws IOException {
    {
      if (!v.sha256().equals(stored.sha256())) {
        throw new UnsafeArchiveException("backup " + stored.backupId() + " has SHA-256 " + v.sha256()
            + " but was stored with " + stored.sha256() + ": it changed on disk since; refused");
      }
      Manifest m = v.manifest();
      BackupSignature.checkRecord(c.backups(), stored, m);
      String anchor = Fingerprints.ofFile(c.rootCert());
      if (!anchor.equals(m.rootFingerprint()) && !allowForeignRoot) {
        throw new UnsafeArchiveException("backup " + stored.backupId() + " is of a different CA: its root"
            + " is " + m.rootFingerprint() + " but the trust anchor " + c.rootCert() + " is " + anchor
            + ". Restoring it would break trust on every client (the runbook's 'wrong data directory"
            + " restored'): pick a backup of this CA, or allow a foreign root if the root really changed");
      }
      if (!m.caConfig().equals(c.caConfig().toString())) {
        throw new ConfigException("backup " + stored.backupId() + " holds a CA configured at "
            + m.caConfig() + ", but CA '" + ca + "' is configured at " + c.caConfig()
            + ": restoring would put its data elsewhere; check caConfig or pick another backup");
      }
      // Where it goes is this host's decision: the manifest only says what is inside.
      RestoreTargets.of(c, allowPaths).check(stored.backupId(), m.roots());
      DatabaseDump dump = databaseDump(stored.backupId(), m);
      LOG.info("backup {} of CA {} verified: {} entries, {} bytes", stored.backupId(), ca, v.entries(), v.bytes());
      return new RestorePlan(stored.backupId(), archive.toString(), v.sha256(), m.createdAt(), m.dbType(),
          m.rootFingerprint(), m.roots(), v.entries(), v.bytes(), allowPaths, m.reason(), dump);
    }
  }

  /**
   * The online dump an SQL CA's backup holds beside its files, or null (a file database). Only
   * what the restore can load is accepted: one {@code DB.sql} of a MySQL/MariaDB CA; a dump of
   * any other database type, or a second one, is refused before anything is written.
   */
  static DatabaseDump databaseDump(String backupId, Manifest m) {
    String dumps = m.stepPath() + "/" + Manifest.DIR + "/db/";
    List<Manifest.FileEntry> members = m.files().stream()
        .filter(f -> f.path().startsWith(dumps) && "file".equals(f.type())).toList();
    if (members.isEmpty()) {
      return null;
    }
    if (!"mysql".equals(m.dbType())) {
      throw new ConfigException("backup " + backupId + " holds a database dump (" + dumps + ") of a CA on '"
          + m.dbType() + "': only MySQL/MariaDB dumps are restored (step-ca 0.19 here has no other SQL"
          + " driver); restore it by hand with that database's own tools");
    }
    Manifest.FileEntry f = members.get(0);
    String name = f.path().substring(dumps.length());
    if (members.size() > 1 || !name.endsWith(".sql")
        || !name.substring(0, name.length() - 4).matches("[A-Za-z0-9_$]{1,64}")) {
      throw new UnsafeArchiveException("backup " + backupId + " holds " + members.size() + " file(s) under " + dumps
          + " where a restore expects one DATABASE.sql dump; refused");
    }
    return new DatabaseDump(f.path(), name.substring(0, name.length() - 4), f.sha256(), f.size());
  }

  /**
   * The roots a backup's record names, if extracting into their staging directories during the
   * verifying read can only be right: absolute and normalised, the configured ca.json under one
   * of them (a backup of a CA configured elsewhere is refused by the verification), and the
   * record's root the trust anchor unless a foreign root is allowed (otherwise the verification
   * refuses it first, without writing anything), and every root one of this CA's paths here
   * (the record is as untrusted as the archive: not even a staging directory is made beside a
   * path that is not the CA's).
   */
  static List<Path> rootsHint(CaConfig c, StoredBackup stored, boolean allowForeignRoot,
      RestoreTargets targets) throws IOException {
    if (stored.roots() == null || stored.roots().isEmpty() || stored.rootFingerprint() == null) {
      return null;
    }
    List<Path> roots = new ArrayList<>();
    for (String r : stored.roots()) {
      if (r == null || !r.startsWith("/")) {
        return null;
      }
      Path p = Path.of(r);
      if (!p.normalize().equals(p) || p.getParent() == null) {
        return null;
      }
      roots.add(p);
    }
    if (roots.stream().noneMatch(c.caConfig()::startsWith) || !targets.permits(roots)) {
      return null;
    }
    if (!allowForeignRoot && !stored.rootFingerprint().equals(Fingerprints.ofFile(c.rootCert()))) {
      return null;
    }
    return roots;
  }

  /**
   * How this host reads the archive: as is, or decrypted with the private key configured here.
   * With backups.verifyWith set, only after its signature held over the whole file (refused
   * here, before it is parsed or anything is written), and the read itself held to it again.
   */
  static ArchiveReader.Layer reading(CaConfig c, Path archive, String backupId) {
    String what = "backup " + backupId + " (" + archive + ")";
    BackupSignature.Check signed = BackupSignature.check(c.backups(), archive, what,
        Heartbeat.of("check the signature of " + backupId));
    return signed.around(BackupEncryption.reading(c.backups(), archive, what));
  }
}
