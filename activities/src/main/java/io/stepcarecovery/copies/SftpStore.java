package io.stepcarecovery.copies;

import io.stepcarecovery.config.CopyConfig;

/** Copies to a Sftp store. (Placeholder of the interface commit: implemented next.) */
public final class SftpStore {
  private SftpStore() {}

  public static OffsiteStore open(String ca, CopyConfig.Sftp config) {
    throw new CopyException("sftp copies are not implemented yet");
  }
}
