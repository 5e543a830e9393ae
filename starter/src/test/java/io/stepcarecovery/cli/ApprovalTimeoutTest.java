package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.ConfigLoader;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The approval deadline a restore or recovery asks for: the flag, else the config, else 1 h. */
class ApprovalTimeoutTest {
  @TempDir Path tmp;

  private static final String CA = ConfigYaml.ONE_CA;

  private StepcaRecoveryConfig config(String yaml) throws Exception {
    Path f = tmp.resolve("config.yaml");
    Files.writeString(f, yaml);
    return ConfigLoader.load(f);
  }

  private static int seconds(Object command, StepcaRecoveryConfig config, String... args) {
    new CommandLine(command).parseArgs(args);
    RestoreOptions o = command instanceof RestoreCommand r ? r.options : ((RecoverCommand) command).options;
    return o.approvalTimeoutSeconds(config);
  }

  @Test
  void theFlagWinsOverTheConfigWhichWinsOverTheDefault() throws Exception {
    StepcaRecoveryConfig none = config(CA);
    StepcaRecoveryConfig halfHour = config("approvalTimeout: 30m\n" + CA);
    assertEquals(3600, seconds(new RestoreCommand(), none));
    assertEquals(1800, seconds(new RestoreCommand(), halfHour));
    assertEquals(1800, seconds(new RecoverCommand(), halfHour));
    assertEquals(90, seconds(new RestoreCommand(), halfHour, "--approval-timeout", "90s"));
    assertEquals(7200, seconds(new RecoverCommand(), none, "--approval-timeout", "2h"));
  }

  @Test
  void aBadFlagIsRefusedEvenWhenTheConfigHasAGoodValue() throws Exception {
    StepcaRecoveryConfig halfHour = config("approvalTimeout: 30m\n" + CA);
    assertThrows(ConfigException.class, () -> seconds(new RestoreCommand(), halfHour, "--approval-timeout", "soon"));
  }
}
