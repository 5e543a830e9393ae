package io.stepcarecovery.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command with a deadline and keeps the end of what it printed. */
public final class Shell {
  public record Result(int exitCode, String output) {
    /** The output's end for an error message, any DSN credentials redacted (it may quote step-ca's log). */
    public String tail() {
      String t = io.stepcarecovery.sqldb.DsnRedaction.redact(output.strip());
      return t.length() <= 600 ? t : "…" + t.substring(t.length() - 600);
    }
  }

  private Shell() {}

  public static Result bash(String command, long timeoutSeconds) {
    return run(List.of("/bin/bash", "-c", command), timeoutSeconds);
  }

  public static Result run(List<String> argv, long timeoutSeconds) {
    Process p;
    try {
      p = new ProcessBuilder(argv).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      throw new ServiceException("cannot run " + argv.get(argv.size() - 1) + ": " + e.getMessage(), e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // Drain in the background: a service started by the command may keep the pipe open.
    Thread drain = new Thread(() -> copy(p.getInputStream(), out), "shell-drain");
    drain.setDaemon(true);
    drain.start();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new ServiceException("'" + argv.get(argv.size() - 1) + "' did not finish within "
            + timeoutSeconds + " s");
      }
      drain.join(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new ServiceException("interrupted while running " + argv.get(argv.size() - 1), e);
    }
    synchronized (out) {
      return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    byte[] buf = new byte[4096];
    try (in) {
      for (int n; (n = in.read(buf)) > 0; ) {
        synchronized (out) {
          if (out.size() < 1 << 20) {
            out.write(buf, 0, n);
          }
        }
      }
    } catch (IOException ignored) {
      // the process is gone; what we have is what it said
    }
  }
}
