package io.stepcarecovery.copies;

import io.stepcarecovery.config.CopyConfig;

/** Copies to a Restic store. (Placeholder of the interface commit: implemented next.) */
public final class ResticStore {
  private ResticStore() {}

  public static OffsiteStore open(String ca, CopyConfig.Restic config) {
    throw new CopyException("restic copies are not implemented yet");
  }
}
