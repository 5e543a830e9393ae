package io.stepcarecovery.config;

import io.stepcarecovery.ca.CaView;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;

/** A configured CA as the paths and address that say which CA it is (one reading for both sides). */
public final class CaViews {
  private CaViews() {}

  public static CaView of(CaConfig c) {
    return new CaView(c.name(), String.valueOf(c.caConfig()), c.url(),
        c.backups() == null || c.backups().store() == null ? null : c.backups().store().toString());
  }
}
