package io.stepcarecovery.restore;

/**
 * The online dump of an SQL CA's database in a verified backup: an archive member beside the
 * files, listed in the manifest with its SHA-256 (checked by the verifying read).
 *
 * @param path the member's absolute path as archived ({@code STEPPATH/.stepca-recovery/db/DB.sql})
 * @param database the database it was dumped from (ca.json's {@code db.database} at backup time)
 * @param sha256 the manifest's SHA-256 of the member, checked again as the dump is loaded
 */
public record DatabaseDump(String path, String database, String sha256, long bytes) {}
