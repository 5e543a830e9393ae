package io.stepcarecovery.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * What a backup archive holds, written into it as its last entry so that every checksum is known
 * (one pass over the data). Paths are absolute, as on the CA host; entry names in the tar are the
 * same paths without the leading slash, so {@code tar -xzf ARCHIVE -C /} restores by hand exactly
 * as the runbook does.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
    int formatVersion,
    String backupId,
    String ca,
    String caUrl,
    String createdAt,
    String reason,
    String dbType,
    String caConfig,
    String stepPath,
    List<String> roots,
    String rootFingerprint,
    String intermediateFingerprint,
    List<FileEntry> files,
    Map<String, String> symlinkedPaths) {

  /**
   * As written before {@code symlinkedPaths}: no path was reached through a symlink.
   *
   * <p>{@code symlinkedPaths}: for each root or path ca.json names that was a symlink on the CA
   * host when the backup was made, where it led ({@code /etc/step-ca → /srv/step-ca}). The
   * archive holds the content under the configured name, so a restore puts it where ca.json
   * says; this records the host's layout for the operator, and nothing reads it to decide where
   * to write.
   */
  public Manifest(int formatVersion, String backupId, String ca, String caUrl, String createdAt,
      String reason, String dbType, String caConfig, String stepPath, List<String> roots,
      String rootFingerprint, String intermediateFingerprint, List<FileEntry> files) {
    this(formatVersion, backupId, ca, caUrl, createdAt, reason, dbType, caConfig, stepPath, roots,
        rootFingerprint, intermediateFingerprint, files, null);
  }

  public static final int FORMAT = 1;
  /** Where, under the step path, the manifest sits in the archive. */
  public static final String DIR = ".stepca-recovery";
  public static final String NAME = "manifest.json";

  static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** @param type file, dir or symlink; {@code mode} is octal permission bits, e.g. "0600" */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FileEntry(String path, String type, long size, String mode, int uid, int gid,
      String sha256, String link) {
    public int permissions() {
      return Integer.parseInt(mode, 8);
    }
  }

  public static String entryName(String stepPath) {
    return stepPath.substring(1) + "/" + DIR + "/" + NAME;
  }

  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Where an online backup's database dumps lie under the step path (never copied from the host). */
  public static final String DUMP_DIR = DIR + "/db/";

  /** An online backup's database dump ({@code STEPPATH/.stepca-recovery/db/DATABASE.sql}); empty for file backups. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public java.util.Optional<FileEntry> databaseDump() {
    String dumps = stepPath + "/" + DUMP_DIR;
    return files == null ? java.util.Optional.empty()
        : files.stream().filter(f -> "file".equals(f.type()) && f.path().startsWith(dumps)).findFirst();
  }

  public static Manifest parse(byte[] json) throws IOException {
    return JSON.readValue(json, Manifest.class);
  }
}
