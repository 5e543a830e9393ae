package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expected failures from a shell: one line, the documented exit code, no stack trace; against a
 * real dev-server process (Temporal's test server, the one fake allowed).
 */
class ErrorsCliIT {
  @TempDir static Path tmp;
  static Process server;
  static int port;
  static String temporal;

  @BeforeAll
  static void up() throws Exception {
    port = DevServerIT.freePort();
    temporal = "127.0.0.1:" + port;
    server = DevServerIT.start(tmp.resolve("server.log"), "dev-server", "--port", String.valueOf(port));
    long deadline = System.currentTimeMillis() + 60_000;
    while (!Files.readString(tmp.resolve("server.log")).contains("listening")) {
      assertTrue(System.currentTimeMillis() < deadline && server.isAlive(), Files.readString(tmp.resolve("server.log")));
      Thread.sleep(200);
    }
  }

  @AfterAll
  static void down() throws Exception {
    DevServerIT.stop(server);
  }

  @Test
  void devServerListensOnLoopbackOnlyUnlessToldOtherwise() throws Exception {
    assertTrue(Files.readString(tmp.resolve("server.log")).contains("listening on 127.0.0.1:" + port));
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    }
    List<InetAddress> others = NetworkInterface.networkInterfaces().filter(i -> {
      try {
        return i.isUp() && !i.isLoopback();
      } catch (java.net.SocketException e) {
        return false;
      }
    }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address).toList();
    assertFalse(others.isEmpty(), "this machine has an address besides loopback to try");
    for (InetAddress a : others) {
      assertThrows(java.net.ConnectException.class, () -> {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(a, port), 2000);
        }
      }, "refused on " + a.getHostAddress());
    }
  }

  @Test
  void statusOfAnUnknownIdIsOneLineAndExit2WithoutTheAttributeWarning() throws Exception {
    Cli.Run r = Cli.run("status", "nosuch-id", "--temporal", temporal);
    assertEquals(2, r.exitCode(), r.stderr());
    assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
    assertTrue(r.stderr().startsWith("stepca-recovery: not found") && r.stderr().contains("nosuch-id"), r.stderr());
    assertFalse(r.stderr().contains("StatusRuntimeException") || r.stderr().contains("RunbookAttributes")
        || r.stderr().contains("WARN"), r.stderr());
  }

  @Test
  void anUnknownTemporalHostIsOneLineWithoutAStackTrace() throws Exception {
    Cli.Run r = Cli.run("status", "some-id", "--temporal", "nosuch.invalid:7233");
    assertEquals(2, r.exitCode(), r.stderr());
    assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
    assertTrue(r.stderr().contains("Temporal is unreachable at nosuch.invalid:7233"), r.stderr());
  }

  /** Starts a run that stays open (no worker serves its queue) and one terminated at once. */
  private static void openAndEnded(String openType, String openId, String endedType, String endedId) {
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(temporal).build());
    try {
      WorkflowClient client = WorkflowClient.newInstance(stubs);
      client.newUntypedWorkflowStub(openType, WorkflowOptions.newBuilder()
          .setWorkflowId(openId).setTaskQueue("errors-no-worker").build()).start();
      WorkflowStub ended = client.newUntypedWorkflowStub(endedType, WorkflowOptions.newBuilder()
          .setWorkflowId(endedId).setTaskQueue("errors-no-worker").build());
      ended.start();
      ended.terminate("ended for the test");
    } finally {
      stubs.shutdownNow();
    }
  }

  @Test
  void cancelOfAnEndedRunSaysHowItEndedAndExits1() throws Exception {
    openAndEnded("Nothing", "errors-open", "Nothing", "errors-ended");
    Cli.Run r = Cli.run("cancel", "errors-ended", "--temporal", temporal);
    assertEquals(1, r.exitCode(), r.stdout() + r.stderr());
    assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
    assertTrue(r.stderr().contains("already ended (TERMINATED)"), r.stderr());
    assertTrue(r.stderr().contains("stepca-recovery status --temporal " + temporal + " errors-ended"),
        "the hint runs as printed: " + r.stderr());
    assertEquals("", r.stdout(), "nothing claims a cancellation");

    Cli.Run running = Cli.run("cancel", "errors-open", "--temporal", temporal);
    assertEquals(0, running.exitCode(), running.stderr());
    assertTrue(running.stdout().contains("Cancellation of errors-open requested; follow it with:"
        + " stepca-recovery watch --temporal " + temporal + " errors-open"), running.stdout());

    Cli.Run unknown = Cli.run("cancel", "nosuch-id", "--temporal", temporal);
    assertEquals(2, unknown.exitCode(), unknown.stderr());
    assertEquals(1, unknown.stderr().strip().lines().count(), unknown.stderr());
  }

  @Test
  void bareCommandNamesEveryRegisteredCommand() throws Exception {
    Cli.Run r = Cli.run();
    assertEquals(2, r.exitCode());
    String named = r.stderr().lines().findFirst().orElse("");
    Set<String> registered = new TreeSet<>();
    Main.commandLine().getSubcommands().forEach((name, c) -> {
      if (!name.equals("help") && !c.getCommandSpec().usageMessage().hidden()) {
        registered.add(name);
      }
    });
    assertTrue(registered.containsAll(List.of("check", "forget", "list", "completion", "backups", "dev-server")), registered.toString());
    for (String c : registered) {
      assertTrue(named.matches(".*[ ,]" + java.util.regex.Pattern.quote(c) + "[,( ].*"), c + " in: " + named);
    }
  }

  @Test
  void storeCommandsOfferNoTemporalOption() throws Exception {
    for (String c : List.of("backups", "check", "forget", "unlock")) {
      Cli.Run r = Cli.run(c, "--help");
      assertEquals(0, r.exitCode(), r.stderr());
      assertTrue(r.stdout().contains("--config"), r.stdout());
      assertFalse(r.stdout().contains("--temporal"), c + " --help: " + r.stdout());
    }
  }

  @Test
  void completionIsABashScriptForEveryCommand() throws Exception {
    Cli.Run r = Cli.run("completion");
    assertEquals(0, r.exitCode(), r.stderr());
    assertTrue(r.stdout().contains("complete -F") && r.stdout().contains("stepca-recovery"), r.stdout());
    Path script = tmp.resolve("completion.bash");
    Files.writeString(script, r.stdout());
    // what bash offers after "stepca-recovery ch" and "stepca-recovery check --re", from the script itself
    Process p = new ProcessBuilder("bash", "-c", "source " + script + " && COMP_WORDS=(stepca-recovery ch) COMP_CWORD=1"
        + " COMP_LINE='stepca-recovery ch' COMP_POINT=18 && _complete_stepca-recovery && echo \"${COMPREPLY[@]}\";"
        + " COMP_WORDS=(stepca-recovery check --re) COMP_CWORD=2 COMP_LINE='stepca-recovery check --re' COMP_POINT=27"
        + " && _complete_stepca-recovery && echo \"${COMPREPLY[@]}\"")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start(); // compopt complains outside a real completion
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
    assertEquals(List.of("check", "--read-data"), out.strip().lines().map(String::strip).toList(), out);
  }

  @Test
  void listShowsOpenAndClosedRunsOfTheDevServer() throws Exception {
    openAndEnded("ListedOpen", "list-open", "ListedClosed", "list-closed");
    Cli.Run r = Cli.run("list", "--temporal", temporal);
    assertEquals(0, r.exitCode(), r.stderr());
    List<String> lines = r.stdout().lines().toList();
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("RUNNING") && l.contains("list-open") && l.contains("ListedOpen")), r.stdout());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("TERMINATED") && l.contains("list-closed")), r.stdout());
    assertTrue(r.stdout().contains("stepca-recovery status --temporal " + temporal + " WORKFLOW_ID"), r.stdout());
    assertEquals("", r.stderr(), "no warning on a plain listing");

    // no service named anywhere: this host's records of its embedded runs (no config: the default
    // place), saying where they came from and how to list a service's runs instead
    Cli.Run embedded = Cli.run(java.util.Map.of("TEMPORAL_ADDRESS", "", "STEPCA_RECOVERY_CONFIG", ""), "list");
    assertEquals(0, embedded.exitCode(), embedded.stderr());
    assertTrue(embedded.stdout().contains("run records in /run/stepca-recovery/runs"), embedded.stdout());
    assertTrue(embedded.stdout().contains("--temporal") && embedded.stdout().contains("TEMPORAL_ADDRESS"), embedded.stdout());
  }

  @Test
  void temporalAddressFromTheEnvironmentIsUsed() throws Exception {
    Cli.Run r = Cli.run(java.util.Map.of("TEMPORAL_ADDRESS", temporal), "status", "nosuch-id");
    assertEquals(2, r.exitCode(), r.stderr());
    assertTrue(r.stderr().startsWith("stepca-recovery: not found"), "the dev-server answered: " + r.stderr());
  }
}
