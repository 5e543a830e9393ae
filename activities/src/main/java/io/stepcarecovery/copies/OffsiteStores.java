package io.stepcarecovery.copies;

import io.stepcarecovery.config.CopyConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import java.util.List;
import java.util.Optional;

/** Opens the off-host store a {@link CopyConfig} describes, for one CA. */
public final class OffsiteStores {
  private OffsiteStores() {}

  /** Opens (connects, for SFTP) the store; the caller closes it. */
  public static OffsiteStore open(String ca, CopyConfig copy) throws java.io.IOException {
    return switch (copy.kind()) {
      case "sftp" -> SftpStore.open(ca, copy.sftp());
      case "s3" -> S3Store.open(ca, copy.s3());
      default -> ResticStore.open(ca, copy.restic());
    };
  }

  /** The configured copy a URI names, if any. */
  public static Optional<CopyConfig> named(CaConfig ca, String uri) {
    return ca.backups().copiesOrEmpty().stream().filter(c -> c.uri().equals(uri)).findFirst();
  }

  /** The URIs of a CA's copies, in config order. */
  public static List<String> uris(CaConfig ca) {
    return ca.backups().copiesOrEmpty().stream().map(CopyConfig::uri).toList();
  }
}
