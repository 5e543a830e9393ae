package io.stepcarecovery.drill;

/**
 * What is kept of a drill beside the backup it drilled ({@code <backupId>.drill.json} in the
 * store): enough for {@code backups} and retention. Read back as hostile, like everything in a
 * store.
 *
 * @param failure the first failed check's item and diagnosis, null when ok
 */
public record DrillRecord(String backupId, String drillId, boolean ok, String finishedAt, long rtoMillis,
    long issuanceMillis, String failure) {}
