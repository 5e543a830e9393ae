package io.stepcarecovery.overview;

import io.stepcarecovery.checklist.PresentedCertificates.Intermediate;
import io.stepcarecovery.checklist.PresentedCertificates.Served;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code overview} knows of one CA, read without changing anything: every field is what
 * was observed, text from stores and operators kept raw (the printer neutralises it).
 *
 * @param up it answered GET /health with ok just now
 * @param health what the probe saw
 * @param copies the off-host stores configured for it, in config order
 * @param lastBackup the newest backup any store holds (future-dated records never count), or null
 * @param unreachable the stores that could not be listed, and why
 * @param storeNote why the local store could not be read here (it is not a directory on this host), or null
 * @param lastDrill the newest drill recorded beside a backup in the local store, or null
 * @param intermediate null when neither its TLS endpoint nor its ca.json could be read here
 * @param services the configured services whose certificate leads to this CA, in config order
 */
public record CaOverview(String ca, String url, boolean up, String health, List<String> copies,
    LastBackup lastBackup, Map<String, String> unreachable, String storeNote, LastDrill lastDrill,
    Intermediate intermediate, List<Served> services) {

  /**
   * @param stores "local" first (when the local store holds it), then the off-host stores that do
   */
  public record LastBackup(String backupId, Instant createdAt, List<String> stores) {}

  /**
   * @param lastPassedAt when the newest passed drill finished (this one's time when it passed), or null
   * @param failure the first failed check of a failed drill, else null
   */
  public record LastDrill(String backupId, Instant finishedAt, boolean ok, long rtoMillis, Instant lastPassedAt,
      String failure) {}

  /** The service certificate that expires first, among those read. */
  public Optional<Served> earliest() {
    return services.stream().filter(s -> s.notAfter() != null).min(Comparator.comparing(Served::notAfter));
  }
}
