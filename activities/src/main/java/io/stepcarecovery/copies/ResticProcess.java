package io.stepcarecovery.copies;

import io.stepcarecovery.config.CopyConfig;
import io.stepcarecovery.text.TerminalText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * One restic command as a child process. The repository's password reaches restic only through
 * {@code --password-file} (never argv, never the environment, never a workflow payload); the
 * repository URL through {@code RESTIC_REPOSITORY} (a rest: URL may hold credentials); the
 * optional environment file's KEY=VALUE lines (e.g. AWS credentials for s3:) through the
 * environment. Bounded in time, killed with its children when the activity is cancelled (the
 * progress callback throws) or the thread interrupted; stderr is kept for the error.
 */
final class ResticProcess {
  /** restic's own variables that would override or leak what the config says. */
  private static final List<String> SCRUBBED = List.of("RESTIC_PASSWORD", "RESTIC_PASSWORD_COMMAND",
      "RESTIC_PASSWORD_FILE", "RESTIC_REPOSITORY_FILE", "RESTIC_KEY_HINT");
  private static final int STDERR_KEPT = 8 * 1024;

  private final CopyConfig.Restic config;

  ResticProcess(CopyConfig.Restic config) {
    this.config = config;
    if (!Files.isReadable(config.passwordFile())) {
      throw new CopyException(config.uri() + ": cannot read the repository's password file "
          + config.passwordFile() + " (restic.passwordFile)");
    }
  }

  /** What a finished command printed. */
  record Output(byte[] stdout, int exitCode, String stderr) {
    String text() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  /** Runs and requires exit 0; stdout is returned whole (JSON answers are small). */
  byte[] run(Path cwd, Duration timeout, LongConsumer progress, List<String> args) throws IOException {
    Output o = runAllowingFailure(cwd, timeout, progress, args);
    if (o.exitCode() != 0) {
      throw new IOException(failure(args, o));
    }
    return o.stdout();
  }

  String failure(List<String> args, Output o) {
    return "restic " + args.get(0) + " on " + config.uri() + " exited " + o.exitCode() + ": "
        + TerminalText.line(o.stderr().isBlank() ? "(no message)" : o.stderr().strip());
  }

  /** Runs; stdout streamed to {@code sink} (e.g. a tar to verify) instead of kept. */
  Output run(Path cwd, Duration timeout, LongConsumer progress, List<String> args, StdoutReader sink)
      throws IOException {
    return exec(cwd, timeout, progress, args, sink);
  }

  Output runAllowingFailure(Path cwd, Duration timeout, LongConsumer progress, List<String> args)
      throws IOException {
    return exec(cwd, timeout, progress, args, in -> {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      in.transferTo(b);
      return b.toByteArray();
    });
  }

  /** Consumes restic's stdout; what it returns becomes {@link Output#stdout}. */
  interface StdoutReader {
    byte[] read(InputStream stdout) throws IOException;
  }

  private Output exec(Path cwd, Duration timeout, LongConsumer progress, List<String> args, StdoutReader reader)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add("restic");
    cmd.add("--password-file");
    cmd.add(config.passwordFile().toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    if (cwd != null) {
      pb.directory(cwd.toFile());
    }
    Map<String, String> env = pb.environment();
    SCRUBBED.forEach(env::remove);
    env.put("RESTIC_REPOSITORY", config.repository());
    // restic reads --time and buckets forget by its local zone: the one retention uses here.
    env.put("TZ", java.time.ZoneId.systemDefault().getId());
    if (config.environmentFile() != null) {
      env.putAll(environmentFile(config.environmentFile()));
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new CopyException(config.uri() + ": cannot run restic (" + e.getMessage() + "): install it"
          + " (Debian: apt-get install restic; lab/install does)", e);
    }
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
      try (InputStream in = p.getInputStream()) {
        byte[] b = reader.read(in);
        in.transferTo(OutputStreamNull.INSTANCE); // drain whatever the reader left
        return b;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
      try (InputStream in = p.getErrorStream()) {
        return tail(in);
      } catch (IOException e) {
        return "(stderr unreadable: " + e.getMessage() + ")";
      }
    });
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (!p.waitFor(1, TimeUnit.SECONDS)) {
        progress.accept(0); // throws when the activity is cancelled
        if (System.nanoTime() > deadline) {
          kill(p);
          throw new IOException("restic " + args.get(0) + " on " + config.uri() + " did not finish in "
              + timeout.toMinutes() + " min; killed");
        }
      }
      byte[] stdout;
      try {
        stdout = out.get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        Throwable c = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
        String stderr = err.getNow("");
        throw new IOException("restic " + args.get(0) + " on " + config.uri() + ": " + c.getMessage()
            + (stderr.isBlank() ? "" : " (restic said: " + TerminalText.line(stderr.strip()) + ")"), c);
      }
      return new Output(stdout, p.exitValue(), err.get(30, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      kill(p);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: restic " + args.get(0) + " killed", e);
    } catch (java.util.concurrent.TimeoutException e) {
      kill(p);
      throw new IOException("restic " + args.get(0) + " on " + config.uri() + " closed no output", e);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    } catch (RuntimeException e) {
      kill(p); // cancelled (the heartbeat threw) or the reader refused what it read
      throw e;
    }
  }

  /** restic and whatever it started (ssh for sftp: repositories). */
  private static void kill(Process p) {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static String tail(InputStream in) throws IOException {
    byte[] buf = new byte[8192];
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    for (int n; (n = in.read(buf)) > 0; ) {
      kept.write(buf, 0, n);
      if (kept.size() > 2 * STDERR_KEPT) {
        byte[] all = kept.toByteArray();
        kept.reset();
        kept.write(all, all.length - STDERR_KEPT, STDERR_KEPT);
      }
    }
    return kept.toString(StandardCharsets.UTF_8);
  }

  /** KEY=VALUE lines; blank lines and # comments skipped. */
  static Map<String, String> environmentFile(Path file) {
    try {
      Map<String, String> env = new java.util.LinkedHashMap<>();
      for (String line : Files.readAllLines(file)) {
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("#")) {
          continue;
        }
        int eq = l.indexOf('=');
        if (eq < 1) {
          throw new CopyException(file + ": a line that is not KEY=VALUE (restic.environmentFile)");
        }
        String key = l.substring(0, eq).strip();
        if (key.startsWith("export ")) {
          key = key.substring(7).strip();
        }
        if (SCRUBBED.contains(key)) {
          throw new CopyException(file + ": " + key + " is refused (restic.environmentFile): the password"
              + " comes from restic.passwordFile only");
        }
        env.put(key, l.substring(eq + 1).strip());
      }
      return env;
    } catch (IOException e) {
      throw new CopyException("cannot read " + file + " (restic.environmentFile): " + e.getMessage(), e);
    }
  }

  private static final class OutputStreamNull extends java.io.OutputStream {
    static final OutputStreamNull INSTANCE = new OutputStreamNull();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
