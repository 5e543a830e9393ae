package io.stepcarecovery.restore;

/**
 * A backup's dump loaded into its staging database, the CA still running on its own.
 *
 * @param address the database server, {@code host:port} or {@code unix(path)} (never credentials)
 * @param database the CA's database the switch replaces
 * @param staging the database the dump was loaded into
 */
public record DatabaseStaging(String address, String database, String staging, int tables, long bytes,
    long millis) {}
