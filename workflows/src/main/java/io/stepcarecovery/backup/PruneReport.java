package io.stepcarecovery.backup;

import java.util.List;

public record PruneReport(int kept, List<String> deleted) {}
