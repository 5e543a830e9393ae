package io.stepcarecovery.drill;

/**
 * A backup verified and extracted into a sandbox on the drill host, its ca.json rewritten to
 * serve there: what the later steps of the drill need to start, check and remove it. Names and
 * paths only.
 *
 * @param drillId the sandbox's name (directory, marker, unit and container names derive from it)
 * @param backupId the backup extracted ("latest" resolved)
 * @param source where the backup came from: "local" or an off-host copy's URI
 * @param dir the sandbox directory on the drill host
 * @param caJson the sandbox's rewritten ca.json
 * @param url the sandbox's address, https://127.0.0.1:PORT
 * @param rootFingerprint the root the backup's verified manifest records (the trust anchor's)
 * @param files entries extracted
 * @param bytes bytes extracted
 * @param cleanedUp sandboxes of earlier drills that were found left behind and removed first
 */
public record Sandbox(String drillId, String backupId, String source, String dir, String caJson, String url,
    String rootFingerprint, long files, long bytes, java.util.List<String> cleanedUp) {}
