package io.stepcarecovery.copies;

import io.stepcarecovery.config.CopyConfig;

/** Copies to a S3 store. (Placeholder of the interface commit: implemented next.) */
public final class S3Store {
  private S3Store() {}

  public static OffsiteStore open(String ca, CopyConfig.S3 config) {
    throw new CopyException("s3 copies are not implemented yet");
  }
}
