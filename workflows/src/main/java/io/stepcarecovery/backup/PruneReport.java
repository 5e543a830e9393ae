package io.stepcarecovery.backup;

import java.util.List;

/**
 * @param futureDated backups whose record is dated more than a few minutes after this host's
 *     clock (written by a host with a fast clock, or forged): ranked after every real one, so
 *     they never count as the latest nor push a real backup out; null from older workers
 */
public record PruneReport(int kept, List<String> deleted, List<String> futureDated) {
  public PruneReport(int kept, List<String> deleted) {
    this(kept, deleted, List.of());
  }
}
