package io.stepcarecovery.ca;

/** @param alreadyRunning the CA was running before the call (start is idempotent) */
public record StartReport(boolean alreadyRunning, long startedAtMillis) {}
