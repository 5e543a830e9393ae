package io.stepcarecovery.backup;

import java.util.List;
import java.util.Map;

/**
 * What a backup of one CA covers, resolved from its ca.json on the CA host.
 *
 * @param stepPath the tree that holds ca.json (config, certs, secrets, templates, db)
 * @param roots absolute paths to archive: the step path plus anything ca.json points to outside it
 * @param dbType step-ca's {@code db.type}
 * @param estimatedBytes bytes under all roots when the plan was made
 * @param symlinkedPaths each root or path ca.json names that is a symlink, and its real path: the
 *     snapshot copies what it leads to under the configured name (null in plans made before)
 * @param online the CA's database is dumped while the CA keeps running (MySQL): no stop at all;
 *     null in plans made before
 */
public record BackupPlan(
    String caConfig,
    String stepPath,
    List<String> roots,
    String dbType,
    long estimatedBytes,
    String rootFingerprint,
    String intermediateFingerprint,
    Map<String, String> symlinkedPaths,
    Boolean online) {

  public BackupPlan(String caConfig, String stepPath, List<String> roots, String dbType,
      long estimatedBytes, String rootFingerprint, String intermediateFingerprint,
      Map<String, String> symlinkedPaths) {
    this(caConfig, stepPath, roots, dbType, estimatedBytes, rootFingerprint, intermediateFingerprint,
        symlinkedPaths, null);
  }

  public boolean isOnline() {
    return Boolean.TRUE.equals(online);
  }

  public BackupPlan(String caConfig, String stepPath, List<String> roots, String dbType,
      long estimatedBytes, String rootFingerprint, String intermediateFingerprint) {
    this(caConfig, stepPath, roots, dbType, estimatedBytes, rootFingerprint, intermediateFingerprint, null, null);
  }

  public Map<String, String> symlinkedPathsOrEmpty() {
    return symlinkedPaths == null ? Map.of() : symlinkedPaths;
  }
}
