package io.stepcarecovery.ca;

/**
 * What taking a CA's run lock found.
 *
 * @param lockFile the lock on the CA host
 * @param tookOver what was found and taken over (a lock whose holder is gone, an empty or
 *     unreadable lock, or our own lock left by a worker that died), or null for a free CA
 */
public record LockReport(String lockFile, String tookOver) {}
