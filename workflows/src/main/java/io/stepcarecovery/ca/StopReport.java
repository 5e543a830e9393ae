package io.stepcarecovery.ca;

/**
 * @param wasRunning whether the CA was running when the stop was requested (stop is idempotent)
 * @param requestedAtMillis wall clock on the CA host when the stop was requested
 * @param stoppedAtMillis wall clock on the CA host when the process was confirmed gone
 */
public record StopReport(boolean wasRunning, long requestedAtMillis, long stoppedAtMillis) {}
