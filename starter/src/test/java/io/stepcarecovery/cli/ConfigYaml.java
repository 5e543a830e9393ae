package io.stepcarecovery.cli;

/** Config files for CLI tests that need a valid config but no lab: nothing in them is read from disk. */
final class ConfigYaml {
  /** One CA, every required key, nothing optional. */
  static final String ONE_CA = """
      cas:
        - name: main
          host: ca1
          caConfig: /etc/step-ca/config/ca.json
          url: https://ca.internal:9000
          rootCert: /etc/step-ca/certs/root_ca.crt
          service: { type: systemd, unit: step-ca }
          backups: { store: /mnt/backups/step-ca }
      """;

  private ConfigYaml() {}
}
