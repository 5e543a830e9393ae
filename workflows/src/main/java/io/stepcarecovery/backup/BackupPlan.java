package io.stepcarecovery.backup;

import java.util.List;

/**
 * What a backup of one CA covers, resolved from its ca.json on the CA host.
 *
 * @param stepPath the tree that holds ca.json (config, certs, secrets, templates, db)
 * @param roots absolute paths to archive: the step path plus anything ca.json points to outside it
 * @param dbType step-ca's {@code db.type}
 * @param estimatedBytes bytes under all roots when the plan was made
 */
public record BackupPlan(
    String caConfig,
    String stepPath,
    List<String> roots,
    String dbType,
    long estimatedBytes,
    String rootFingerprint,
    String intermediateFingerprint) {}
