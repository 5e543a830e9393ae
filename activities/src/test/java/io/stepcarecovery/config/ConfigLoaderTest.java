package io.stepcarecovery.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.retention.KeepPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broken config gets one clear error naming the file, the key and what was expected. */
class ConfigLoaderTest {
  @TempDir Path tmp;

  private static final String GOOD = """
      cas:
        - name: main
          host: ca1
          caConfig: "/etc/step ca/config/ca.json"
          url: https://ca.internal:9000
          rootCert: /etc/step-ca/certs/root_ca.crt
          service: { type: systemd, unit: step-ca }
          owner: step:step
          acme: { provisioner: acme }
          issuance: { provisioner: admin, passwordFile: /etc/stepca-recovery/admin.pass, subject: test.internal }
          backups: { store: /mnt/backups/step-ca, keep: 14 }
      ingress:
        - { name: traefik, host: edge1, service: { type: docker, container: traefik } }
      services: [ "https://grafana.internal" ]
      """;

  private Path write(String yaml) throws Exception {
    Path f = tmp.resolve("config.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private String error(String yaml) throws Exception {
    Path f = write(yaml);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.getMessage().contains(f.toString()), "names the file: " + e.getMessage());
    return e.getMessage();
  }

  @Test
  void theDesignExampleLoadsWithPathsWithSpaces() throws Exception {
    StepcaRecoveryConfig c = ConfigLoader.load(write(GOOD));
    assertEquals(Path.of("/etc/step ca/config/ca.json"), c.ca("main").caConfig());
    assertEquals(KeepPolicy.lastN(14), c.ca("main").backups().keepOrDefault());
    assertEquals(java.util.List.of("ca1", "edge1"), c.hosts());
    assertEquals("default", c.temporal().namespaceOrDefault());
  }

  @Test
  void runLocksLiveOnTheCaHostUnderRunByDefaultOrWhereLockDirSays() throws Exception {
    assertEquals(Path.of("/run/stepca-recovery"), ConfigLoader.load(write(GOOD)).lockDirOrDefault());
    assertEquals(Path.of("/var/lib/locks"), ConfigLoader.load(write("lockDir: /var/lib/locks\n" + GOOD)).lockDirOrDefault());
    String msg = error("lockDir: run/locks\n" + GOOD);
    assertTrue(msg.contains("'lockDir'") && msg.contains("absolute"), msg);
  }

  @Test
  void theMetricsProbeRunsEveryMinuteUnlessMetricsProbeIntervalSays() throws Exception {
    assertEquals(java.time.Duration.ofSeconds(60), ConfigLoader.load(write(GOOD)).metricsProbeIntervalOrDefault());
    assertEquals(java.time.Duration.ofMinutes(5),
        ConfigLoader.load(write("metrics: { probeInterval: 5m }\n" + GOOD)).metricsProbeIntervalOrDefault());
    for (String bad : new String[] {"1s", "2h", "often"}) {
      String msg = error("metrics: { probeInterval: " + bad + " }\n" + GOOD);
      assertTrue(msg.contains("metrics.probeInterval") && msg.contains("from 5s to 1h") && msg.contains("'" + bad + "'"),
          msg);
    }
  }

  @Test
  void overviewAlertsAtTheRulesThresholdsUnlessAlertsSays() throws Exception {
    assertEquals(AlertThresholds.DEFAULTS, ConfigLoader.load(write(GOOD)).alertsOrDefault());
    AlertThresholds set = ConfigLoader.load(write("alerts: { backupStale: 50h, drillStale: 15d, tlsCountdown: 90m }\n"
        + GOOD)).alertsOrDefault();
    assertEquals(java.time.Duration.ofHours(50), set.backupStale());
    assertEquals(java.time.Duration.ofDays(15), set.drillStale());
    assertEquals(java.time.Duration.ofMinutes(90), set.tlsCountdown());
    assertEquals(AlertThresholds.DEFAULTS.copyMissing(), set.copyMissing(), "unset: the rule's value");
    assertEquals(AlertThresholds.DEFAULTS.intermediateExpiring(), set.intermediateExpiring());
    for (String bad : new String[] {"0h", "-2h", "soon", "1w"}) {
      String msg = error("alerts: { drillStale: \"" + bad + "\" }\n" + GOOD);
      assertTrue(msg.contains("alerts.drillStale") && msg.contains("alerts.yml") && msg.contains("'" + bad + "'"), msg);
    }
    assertTrue(error("alerts: { backupStal: 2h }\n" + GOOD).contains("backupStal"), "a misspelt key is refused");
  }

  @Test
  void theApprovalDeadlineIsAnHourUnlessApprovalTimeoutSays() throws Exception {
    assertEquals(java.time.Duration.ofHours(1), ConfigLoader.load(write(GOOD)).approvalTimeoutOrDefault());
    assertEquals(java.time.Duration.ofMinutes(30),
        ConfigLoader.load(write("approvalTimeout: 30m\n" + GOOD)).approvalTimeoutOrDefault());
    assertEquals(java.time.Duration.ofSeconds(90),
        ConfigLoader.load(write("approvalTimeout: 90\n" + GOOD)).approvalTimeoutOrDefault(), "a bare number is seconds");
    for (String bad : new String[] {"0s", "1d", "1h30m", "169h", "soon"}) {
      String msg = error("approvalTimeout: " + bad + "\n" + GOOD);
      assertTrue(msg.contains("key 'approvalTimeout'") && msg.contains("such as 90s, 30m or 2h")
          && msg.contains("'" + bad + "'"), msg);
    }
  }

  @Test
  void runRecordsLieBesideTheLocksUnlessRunRecordsSays() throws Exception {
    StepcaRecoveryConfig plain = ConfigLoader.load(write("lockDir: /var/lib/locks\n" + GOOD));
    assertEquals(Path.of("/var/lib/locks/runs"), plain.runRecordsDir());
    assertEquals(50, plain.runRecordsKeep());
    StepcaRecoveryConfig set = ConfigLoader.load(write("runRecords: { dir: /var/lib/stepca-recovery/runs, keep: 7 }\n" + GOOD));
    assertEquals(Path.of("/var/lib/stepca-recovery/runs"), set.runRecordsDir());
    assertEquals(7, set.runRecordsKeep());
    String relative = error("runRecords: { dir: runs }\n" + GOOD);
    assertTrue(relative.contains("'runRecords.dir'") && relative.contains("absolute"), relative);
    String none = error("runRecords: { keep: 0 }\n" + GOOD);
    assertTrue(none.contains("'runRecords.keep'") && none.contains("1 to 10000"), none);
  }

  @Test
  void schedulesLoadPerCaAndTheirMistakesNameTheKey() throws Exception {
    String scheduled = GOOD.replace("\ningress:", "\n    schedule: { backup: \"0 3 * * *\", drill: 24h }\ningress:");
    StepcaRecoveryConfig c = ConfigLoader.load(write(scheduled));
    assertEquals(new StepcaRecoveryConfig.ScheduleConfig("0 3 * * *", "24h", null), c.ca("main").schedule());
    assertEquals(java.time.Duration.ofMinutes(5), c.ca("main").schedule().jitterOrDefault());
    assertEquals(null, ConfigLoader.load(write(GOOD)).ca("main").schedule(), "no schedule unless configured");
    assertEquals(java.time.Duration.ofSeconds(30), ConfigLoader.load(write(scheduled.replace("drill: 24h", "jitter: 30s")))
        .ca("main").schedule().jitterOrDefault());
    assertEquals(java.time.Duration.ZERO, ConfigLoader.load(write(scheduled.replace("drill: 24h", "jitter: \"0\"")))
        .ca("main").schedule().jitterOrDefault());

    String msg = error(scheduled.replace("0 3 * * *", "0 25 * * *"));
    assertTrue(msg.contains("'cas[0].schedule.backup'") && msg.contains("hour field '25'"), msg);
    msg = error(scheduled.replace("drill: 24h", "drill: 1d"));
    assertTrue(msg.contains("'cas[0].schedule.drill'") && msg.contains("a day is 24h"), msg);
    msg = error(scheduled.replace("drill: 24h", "jitter: soon"));
    assertTrue(msg.contains("'cas[0].schedule.jitter'") && msg.contains("'soon'"), msg);
    msg = error(scheduled.replace("backup: \"0 3 * * *\", drill: 24h", "jitter: 1m"));
    assertTrue(msg.contains("'cas[0].schedule'") && msg.contains("'backup' and/or 'drill'"), msg);
    msg = error(scheduled.replace("drill: 24h", "restore: 24h"));
    assertTrue(msg.contains("unknown key 'cas[0].schedule.restore'") && msg.contains("backup, drill, jitter"), msg);
  }

  @Test
  void unknownKeyIsNamedWithItsPath() throws Exception {
    String msg = error(GOOD.replace("keep: 14", "keep: 14, kepe: 3"));
    assertTrue(msg.contains("unknown key 'cas[0].backups.kepe'") && msg.contains("keep"), msg);
  }

  @Test
  void wrongTypeSaysWhatWasExpected() throws Exception {
    String msg = error(GOOD.replace("keep: 14", "keep: fourteen"));
    assertTrue(msg.contains("cas[0].backups.keep") && msg.contains("whole number"), msg);
  }

  @Test
  void keepIsAnIntegerOrResticsPolicyAndDefaultsToTheFourteenNewest() throws Exception {
    assertEquals(KeepPolicy.lastN(3), ConfigLoader.load(write(GOOD.replace("keep: 14", "keep: 3")))
        .ca("main").backups().keepOrDefault());
    assertEquals(new KeepPolicy(2, 7, 4, 12, 3), ConfigLoader.load(write(GOOD.replace("keep: 14",
        "keep: { last: 2, daily: 7, weekly: 4, monthly: 12, yearly: 3 }"))).ca("main").backups().keepOrDefault());
    assertEquals(new KeepPolicy(0, 7, 0, 0, 0), ConfigLoader.load(write(GOOD.replace("keep: 14",
        "keep: { daily: 7 }"))).ca("main").backups().keepOrDefault());
    assertEquals(KeepPolicy.DEFAULT, ConfigLoader.load(write(GOOD.replace(", keep: 14", "")))
        .ca("main").backups().keepOrDefault());
    assertEquals(KeepPolicy.lastN(14), KeepPolicy.DEFAULT);
  }

  @Test
  void aKeepPolicyThatKeepsNothingOrEverythingOrNamesAnUnknownRuleIsRefused() throws Exception {
    String msg = error(GOOD.replace("keep: 14", "keep: 0"));
    assertTrue(msg.contains("'cas[0].backups.keep'") && msg.contains("at least one rule above 0"), msg);
    msg = error(GOOD.replace("keep: 14", "keep: { daily: 0, weekly: 0 }"));
    assertTrue(msg.contains("'cas[0].backups.keep'") && msg.contains("at least one rule above 0"), msg);
    msg = error(GOOD.replace("keep: 14", "keep: {}"));
    assertTrue(msg.contains("'cas[0].backups.keep'") && msg.contains("at least one rule above 0"), msg);
    msg = error(GOOD.replace("keep: 14", "keep: { daily: -1 }"));
    assertTrue(msg.contains("'cas[0].backups.keep'") && msg.contains("no negative counts"), msg);
    msg = error(GOOD.replace("keep: 14", "keep: { hourly: 24 }"));
    assertTrue(msg.contains("unknown key 'cas[0].backups.keep.hourly'") && msg.contains("daily, last, monthly, weekly, yearly"), msg);
    msg = error(GOOD.replace("keep: 14", "keep: { daily: seven }"));
    assertTrue(msg.contains("cas[0].backups.keep.daily") && msg.contains("whole number"), msg);
    msg = error(GOOD.replace("keep: 14", "keep: [ 7 ]"));
    assertTrue(msg.contains("cas[0].backups.keep") && msg.contains("restic's policy"), msg);
  }

  @Test
  void relativePathsAreRefused() throws Exception {
    String msg = error(GOOD.replace("store: /mnt/backups/step-ca", "store: backups"));
    assertTrue(msg.contains("cas[0].backups.store") && msg.contains("absolute path"), msg);
  }

  @Test
  void encryptionKeysLoadAndTheirMistakesAreNamed() throws Exception {
    StepcaRecoveryConfig c = ConfigLoader.load(write(GOOD.replace("keep: 14 }", "keep: 14, encryptTo:"
        + " /etc/stepca-recovery/backups.pub.asc, decryptKey: /etc/stepca-recovery/backups.sec.asc,"
        + " decryptPassphraseFile: /etc/stepca-recovery/backups.pass }")));
    assertEquals(Path.of("/etc/stepca-recovery/backups.pub.asc"), c.ca("main").backups().encryptTo());
    assertEquals(Path.of("/etc/stepca-recovery/backups.sec.asc"), c.ca("main").backups().decryptKey());
    String msg = error(GOOD.replace("keep: 14 }", "keep: 14, encryptTo: backups.pub.asc }"));
    assertTrue(msg.contains("cas[0].backups.encryptTo") && msg.contains("absolute path"), msg);
    msg = error(GOOD.replace("keep: 14 }", "keep: 14, decryptPassphraseFile: /etc/p }"));
    assertTrue(msg.contains("cas[0].backups.decryptPassphraseFile") && msg.contains("decryptKey"), msg);
  }

  @Test
  void signingKeysLoadAndTheirMistakesAreNamed() throws Exception {
    StepcaRecoveryConfig c = ConfigLoader.load(write(GOOD.replace("keep: 14 }", "keep: 14, signWith:"
        + " /etc/stepca-recovery/signing.sec.asc, signPassphraseFile: /etc/stepca-recovery/signing.pass,"
        + " verifyWith: /etc/stepca-recovery/signing.pub.asc }")));
    assertEquals(Path.of("/etc/stepca-recovery/signing.sec.asc"), c.ca("main").backups().signWith());
    assertEquals(Path.of("/etc/stepca-recovery/signing.pass"), c.ca("main").backups().signPassphraseFile());
    assertEquals(Path.of("/etc/stepca-recovery/signing.pub.asc"), c.ca("main").backups().verifyWith());
    String msg = error(GOOD.replace("keep: 14 }", "keep: 14, verifyWith: signing.pub.asc }"));
    assertTrue(msg.contains("cas[0].backups.verifyWith") && msg.contains("absolute path"), msg);
    msg = error(GOOD.replace("keep: 14 }", "keep: 14, signWith: signing.sec.asc }"));
    assertTrue(msg.contains("cas[0].backups.signWith") && msg.contains("absolute path"), msg);
    msg = error(GOOD.replace("keep: 14 }", "keep: 14, signPassphraseFile: /etc/p }"));
    assertTrue(msg.contains("cas[0].backups.signPassphraseFile") && msg.contains("signWith"), msg);
    msg = error(GOOD.replace("keep: 14 }", "keep: 14, signwith: /etc/k }"));
    assertTrue(msg.contains("unknown key 'cas[0].backups.signwith'") && msg.contains("signWith"), msg);
  }

  @Test
  void missingRequiredKey() throws Exception {
    String msg = error(GOOD.replace("    rootCert: /etc/step-ca/certs/root_ca.crt\n", ""));
    assertTrue(msg.contains("cas[0].rootCert"), msg);
  }

  @Test
  void theIngresssAcmeStoreAndUrlLoadAndAnUrlThatIsNotHttpsIsNamed() throws Exception {
    String acme = GOOD.replace("container: traefik } }",
        "container: traefik }, acmeJson: /etc/traefik/acme.json, url: \"https://grafana.internal/\" }");
    StepcaRecoveryConfig c = ConfigLoader.load(write(acme));
    assertEquals(Path.of("/etc/traefik/acme.json"), c.ingress().get(0).acmeJson());
    assertEquals("https://grafana.internal/", c.ingress().get(0).url());
    String msg = error(acme.replace("https://grafana.internal/\"", "http://grafana.internal/\""));
    assertTrue(msg.contains("ingress[0].url") && msg.contains("https://"), msg);
  }

  @Test
  void badServiceType() throws Exception {
    String msg = error(GOOD.replace("type: systemd, unit: step-ca", "type: upstart"));
    assertTrue(msg.contains("cas[0].service.type") && msg.contains("systemd, docker, command"), msg);
  }

  @Test
  void anEmptyFileIsCalledEmpty() throws Exception {
    for (String empty : new String[] {"", "\n  \n"}) {
      String msg = error(empty);
      assertTrue(msg.endsWith("config.yaml is empty: it needs at least a 'cas' list (see the README's"
          + " config example, or lab/up DIR for a lab's DIR/config.yaml)"), msg);
    }
  }

  @Test
  void aKeyGivenTwiceIsNamedWithItsLine() throws Exception {
    // line 7 of GOOD is 'service: ...'; a second one on line 8 would silently win
    String msg = error(GOOD.replace("    owner: step:step\n", "    service: { type: docker, container: x }\n"));
    assertTrue(msg.contains("key 'cas[0].service' is given twice (the second time at line 8)"), msg);
    msg = error(GOOD.replace("keep: 14", "keep: 14, keep: 2"));
    assertTrue(msg.contains("key 'cas[0].backups.keep' is given twice (the second time at line 11)"), msg);
    msg = error("temporal: { address: a:7233 }\n" + GOOD + "temporal: { address: b:7233 }\n");
    assertTrue(msg.contains("key 'temporal' is given twice (the second time at line 16)"), msg);
  }

  @Test
  void notYaml() throws Exception {
    String msg = error("cas: [ {name: main\n");
    assertTrue(msg.contains("not valid YAML"), msg);
  }

  @Test
  void missingFileSaysHowToGetOne() {
    Path f = tmp.resolve("absent.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("--config"), e.getMessage());
  }

  @Test
  void unknownCaNameListsTheConfiguredOnes() throws Exception {
    StepcaRecoveryConfig c = ConfigLoader.load(write(GOOD));
    ConfigException e = assertThrows(ConfigException.class, () -> c.ca("mian"));
    assertTrue(e.getMessage().contains("unknown CA 'mian'") && e.getMessage().contains("main"), e.getMessage());
  }
}
