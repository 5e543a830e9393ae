package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.lab.LabCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's display, in a real terminal: {@code recover} in tmux at 80×24 and 132×40, the person
 * answering the approval question, the ingress restart failing once (the app's nginx.conf is away,
 * so {@code lab/app-ctl restart} fails) and put right while the step retries. The screen, read with
 * {@code capture-pane} during and after: the question stays, each step has one row, no row is
 * wider than the pane, the retry shows on its step's row, the checklist ends it.
 */
@Tag("lab")
class TerminalScreenIT {
  private static final Pattern STEP_ROW = Pattern.compile("^  [✓✗▶·⊘-] (\\d+)\\. ");
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}x{1}")
  @CsvSource({"80,24", "132,40"})
  void recoverWithARetryLeavesAScreenAPersonCanRead(int columns, int rows) throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab")); Tmux tmux = new Tmux(tmp, columns, rows)) {
      String config = lab.configFile().toString();
      assertEquals(0, Cli.run("backup", "--config", config, "--ca", "lab").exitCode());
      lab.killCa();
      LabCa.run(List.of("rm", "-rf", lab.stepPath().toString()), 30);
      Path conf = lab.dir().resolve("app/nginx.conf");
      Path away = lab.dir().resolve("app/nginx.conf.away");
      Files.move(conf, away); // the ingress restart fails until it is back

      tmux.type(LabCa.repo().resolve("stepca-recovery") + " recover --config " + config
          + " --ca lab --backup latest; echo EXIT=$?");
      String asked = tmux.await(s -> s.contains("Type 'yes'"), 240, "the approval question");
      Thread.sleep(1500); // 6 redraws' time: before, the redraw wrote over the question
      String stillAsked = tmux.screen();
      assertTrue(stillAsked.contains("Type 'yes'"), "the question stays while asked:\n" + stillAsked);
      assertScreenSound(asked, columns);
      keep(columns, rows, "1-asked", stillAsked);
      tmux.type("yes");

      String retrying = tmux.await(s -> s.matches("(?s).*▶ 5\\..*attempt [2-9].*"), 120, "step 5 retrying");
      assertScreenSound(retrying, columns);
      keep(columns, rows, "2-retrying", retrying);
      Files.move(away, conf); // the app can start again: the next attempt restarts it

      String end = tmux.await(s -> s.matches("(?s).*\\nEXIT=\\d+.*"), 240, "the end of recover");
      String all = tmux.history();
      keep(columns, rows, "3-end", all);
      assertTrue(all.contains("\nEXIT=0\n"), "recover succeeded once the ingress came back:\n" + all);
      assertScreenSound(all, columns);
      assertTrue(all.contains("Replace the live data of CA lab") && all.contains("Type 'yes'"),
          "the question is still readable after the run:\n" + all);
      for (int step = 1; step <= 6; step++) {
        assertTrue(all.contains("✓ " + step + ". "), "step " + step + " done:\n" + all);
      }
      assertTrue(all.contains("Service Status") && all.contains("All 9 checks passed")
          || all.contains("✓ Application HTTPS"), "the checklist ends it:\n" + all);
      assertFalse(end.isBlank());
    }
  }

  @org.junit.jupiter.api.Test
  void plainLinesOnePerChangeWhenStdoutIsNotATerminal() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("plain"))) {
      String config = lab.configFile().toString();
      assertEquals(0, Cli.run("backup", "--config", config, "--ca", "lab").exitCode());
      lab.killCa();
      LabCa.run(List.of("rm", "-rf", lab.stepPath().toString()), 30);
      Path conf = lab.dir().resolve("app/nginx.conf");
      Path away = lab.dir().resolve("app/nginx.conf.away");
      Files.move(conf, away);
      Path out = tmp.resolve("recover.out");
      Process p = new ProcessBuilder(LabCa.repo().resolve("stepca-recovery").toString(), "recover", "--config", config,
          "--ca", "lab", "--backup", "latest", "--yes").redirectOutput(out.toFile())
          .redirectError(tmp.resolve("recover.err").toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      try {
        long end = System.currentTimeMillis() + 240_000;
        while (!Files.readString(out).matches("(?s).*▶ 5\\..*attempt [2-9].*") && p.isAlive()
            && System.currentTimeMillis() < end) {
          Thread.sleep(100);
        }
        Files.move(away, conf);
        assertTrue(p.waitFor(240, java.util.concurrent.TimeUnit.SECONDS), "recover ended");
      } finally {
        p.destroyForcibly();
      }
      String text = Files.readString(out);
      assertEquals(0, p.exitValue(), text + Files.readString(tmp.resolve("recover.err")));
      assertFalse(text.contains("\033"), "no escape codes:\n" + text);
      for (int step = 1; step <= 6; step++) {
        String done = "  ✓ " + step + ". ";
        assertEquals(1, text.lines().filter(l -> l.startsWith(done)).count(), "step " + step + " done once:\n" + text);
      }
      assertTrue(text.lines().anyMatch(l -> l.startsWith("  ▶ 5. ") && l.contains("attempt 2: last try failed: ")),
          "the retry has its line:\n" + text);
      assertEquals(text.lines().filter(l -> l.startsWith("  ▶ 5. ")).distinct().count(),
          text.lines().filter(l -> l.startsWith("  ▶ 5. ")).count(), "each change once:\n" + text);
    }
  }

  /** The screens as text in target/terminal-screens, for a person to look at (issue 11's closing note). */
  private static void keep(int columns, int rows, String phase, String screen) throws java.io.IOException {
    Path dir = Path.of("target", "terminal-screens");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(columns + "x" + rows + "-" + phase + ".txt"), screen);
  }

  /**
   * Each step at most one row, and no step row wider than the pane (a wrapped row comes back
   * joined by -J). Only the view's rows: the typed command, the headline and the question are
   * text of other lengths, and wrap as any shell output does.
   */
  private static void assertScreenSound(String screen, int columns) {
    int[] seen = new int[20];
    for (String row : screen.split("\n", -1)) {
      Matcher m = STEP_ROW.matcher(row);
      if (m.find()) {
        assertTrue(Columns.width(row) < columns, "a step row as wide as or wider than " + columns + " columns ("
            + Columns.width(row) + "): " + row + "\n" + screen);
        int n = Integer.parseInt(m.group(1));
        assertTrue(++seen[n] == 1, "step " + n + " shown twice:\n" + screen);
      }
    }
  }

  /** A tmux server of this test's own (its socket in the test's directory), one pane of a set size. */
  private static final class Tmux implements AutoCloseable {
    private final String socket;

    Tmux(Path dir, int columns, int rows) {
      socket = dir.resolve("tmux.sock").toString();
      tmux("new-session", "-d", "-x", String.valueOf(columns), "-y", String.valueOf(rows), "env", "PS1=$ ", "LANG=C.UTF-8",
          "bash", "--norc", "--noprofile");
      tmux("set-option", "-g", "history-limit", "5000");
    }

    void type(String line) {
      tmux("send-keys", "-l", line);
      tmux("send-keys", "Enter");
    }

    /** What the pane shows now, wrapped rows joined. */
    String screen() {
      return tmux("capture-pane", "-p", "-J");
    }

    /** Everything the pane showed, scrolled off rows included. */
    String history() {
      return tmux("capture-pane", "-p", "-J", "-S", "-");
    }

    String await(Predicate<String> shown, int seconds, String what) throws InterruptedException {
      long end = System.currentTimeMillis() + seconds * 1000L;
      String s = screen();
      while (System.currentTimeMillis() < end) {
        s = screen();
        if (shown.test(s)) {
          return s;
        }
        Thread.sleep(100);
      }
      throw new AssertionError("no " + what + " within " + seconds + " s; the pane:\n" + history());
    }

    private String tmux(String... args) {
      List<String> cmd = new java.util.ArrayList<>(List.of("tmux", "-u", "-S", socket));
      cmd.addAll(List.of(args));
      return LabCa.run(cmd, 30);
    }

    @Override
    public void close() {
      try {
        tmux("kill-server");
      } catch (RuntimeException alreadyGone) {
        // the server ends with its last pane
      }
    }
  }
}
