package io.stepcarecovery.backup;

/** An archive written to the store's work area, not yet published. */
public record ArchiveReport(String partialPath, String sha256, long sizeBytes, long files, long millis) {}
