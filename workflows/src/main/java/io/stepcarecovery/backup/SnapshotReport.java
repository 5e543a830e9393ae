package io.stepcarecovery.backup;

public record SnapshotReport(String snapshotDir, long files, long bytes, long millis) {}
