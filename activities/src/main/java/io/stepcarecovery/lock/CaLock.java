package io.stepcarecovery.lock;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.ca.LockReport;
import io.stepcarecovery.config.ConfigException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CA's run lock on the CA host: {@code <lockDir>/<ca>.lock}, JSON ({@link LockRecord}). It
 * lives on the host whose CA it protects, never in the backup store, which may be a read-only
 * mount or a copy on another host. Every read-decide-write on it happens under an advisory lock
 * ({@code <lockDir>/.guard}, flock), so two runs deciding that a lock is stale never both take it.
 */
public final class CaLock {
  private static final Logger log = LoggerFactory.getLogger(CaLock.class);
  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  /** flock is per process; threads of this process are kept apart here. */
  private static final Object IN_PROCESS = new Object();

  private final Path dir;
  private final String ca;

  public CaLock(Path dir, String ca) {
    this.dir = dir.toAbsolutePath().normalize();
    this.ca = ca;
  }

  public Path file() {
    return dir.resolve(ca + ".lock");
  }

  /** What lies in the lock now, and whether its holder still runs. */
  public sealed interface State {
    /** Nobody holds the CA. */
    record Free() implements State {}

    /** A lock a run can take over by itself: its holder is gone, or it holds nothing readable. */
    record Stale(LockRecord holder, String found) implements State {}

    /** Held by a process that still runs on this host. */
    record Held(LockRecord holder) implements State {}

    /** Written on another host: this host cannot tell whether its holder runs. */
    record Foreign(LockRecord holder) implements State {}
  }

  public State state() {
    synchronized (IN_PROCESS) {
      return guarded(this::read);
    }
  }

  /**
   * Takes the CA for run {@code owner}. Re-entrant for the same owner whatever process wrote the
   * lock (a retry, or a new worker replacing a dead one); takes over a stale lock and says what it
   * found; refuses a live holder with {@link BusyException}.
   */
  public LockReport acquire(String owner) {
    synchronized (IN_PROCESS) {
      return guarded(() -> {
        State s = read();
        String tookOver = null;
        if (s instanceof State.Stale st) {
          tookOver = st.found();
        } else if (s instanceof State.Held h) {
          if (!h.holder().workflowId().equals(owner)) {
            throw new BusyException(busy(h.holder()));
          }
          if (h.holder().pid() == ProcessIdentity.self().pid()) {
            return new LockReport(file().toString(), null); // a retry in this very process
          }
          tookOver = "this run's own lock, written by process " + h.holder().pid()
              + " (the activity is retried by another worker)";
        } else if (s instanceof State.Foreign f) {
          if (!f.holder().workflowId().equals(owner)) {
            throw new BusyException("CA " + ca + " is locked by " + f.holder().describe() + ", written on"
                + " another host: from " + ProcessIdentity.hostName() + " it cannot be told whether that"
                + " run is still going. Check it (" + f.holder().howToCheck() + "); only when no run of CA "
                + ca + " is going on: stepca-recovery unlock --ca " + ca + " --yes --force");
          }
          tookOver = "this run's own lock, written on host " + f.holder().host();
        }
        write(owner);
        if (tookOver != null) {
          log.warn("CA {}: took over its run lock {} for run {}: found {}", ca, file(), owner, tookOver);
        }
        return new LockReport(file().toString(), tookOver);
      });
    }
  }

  /** Gives the CA back; only {@code owner}'s lock is removed. Idempotent. */
  public void release(String owner) {
    synchronized (IN_PROCESS) {
      guarded(() -> {
        State s = read();
        LockRecord holder = s instanceof State.Held h ? h.holder() : s instanceof State.Stale st ? st.holder()
            : s instanceof State.Foreign f ? f.holder() : null;
        if (holder != null && owner.equals(holder.workflowId())) {
          Files.deleteIfExists(file());
        }
        return null;
      });
    }
  }

  /** Removes the lock whoever holds it: the operator's {@code unlock}. Returns what was removed. */
  public State remove() {
    synchronized (IN_PROCESS) {
      return guarded(() -> {
        State s = read();
        Files.deleteIfExists(file());
        return s;
      });
    }
  }

  private String busy(LockRecord h) {
    return "CA " + ca + " is busy: run " + h.workflowId() + " is working on it (process " + h.pid()
        + " on " + h.host() + ", since " + h.createdAt() + "), and two runs must never both stop and"
        + " start it. Wait for it: " + h.howToCheck() + ". Only if that run is gone for good:"
        + " stepca-recovery unlock --ca " + ca;
  }

  private State read() throws IOException {
    byte[] content;
    try {
      content = Files.readAllBytes(file());
    } catch (NoSuchFileException free) {
      return new State.Free();
    }
    if (content.length == 0 || new String(content, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      return new State.Stale(null, "an empty lock " + file() + " (written when its disk was full, or cut"
          + " short by a crash)");
    }
    LockRecord r;
    try {
      r = JSON.readValue(content, LockRecord.class);
    } catch (IOException e) {
      r = null;
    }
    if (r == null || r.workflowId() == null || r.workflowId().isBlank() || r.host() == null) {
      return new State.Stale(null, "an unreadable lock " + file() + " (" + content.length + " bytes,"
          + " not a lock this tool writes)");
    }
    if (!r.host().equals(ProcessIdentity.hostName())) {
      return new State.Foreign(r);
    }
    if (!new ProcessIdentity(r.pid(), r.processStart()).alive()) {
      boolean reused = ProcessIdentity.startTimeOf(r.pid()).isPresent();
      return new State.Stale(r, "the lock of " + r.describe() + ", whose process is gone"
          + (reused ? " (pid " + r.pid() + " now belongs to another process)" : ""));
    }
    return new State.Held(r);
  }

  private void write(String owner) throws IOException {
    ProcessIdentity self = ProcessIdentity.self();
    LockRecord r = new LockRecord(owner, self.pid(), self.startTime(), ProcessIdentity.hostName(),
        Instant.now().toString(), RunContext.current());
    // Written aside and renamed into place: the lock is never seen half-written.
    Path tmp = dir.resolve("." + ca + ".lock." + self.pid() + ".tmp");
    try {
      Files.write(tmp, JSON.writeValueAsBytes(r));
      try {
        Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private <T> T guarded(IoCall<T> call) {
    try {
      if (Files.isSymbolicLink(dir)) {
        throw new ConfigException("the lock directory " + dir + " is a symbolic link; it must be a real"
            + " directory of the CA host (lockDir in the config, default "
            + io.stepcarecovery.config.StepcaRecoveryConfig.DEFAULT_LOCK_DIR + ")");
      }
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        try {
          Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
          throw new ConfigException("cannot create the lock directory " + dir + " (" + e + "): set lockDir"
              + " in the config to a directory the worker's user may write on the CA host (with systemd:"
              + " RuntimeDirectory=stepca-recovery gives /run/stepca-recovery to the unit's user)");
        }
      }
      try (FileChannel guard = FileChannel.open(dir.resolve(".guard"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
          FileLock held = guard.lock()) {
        return call.call();
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("run lock " + file() + ": " + e.getMessage(), e);
    }
  }

  @FunctionalInterface
  private interface IoCall<T> {
    T call() throws IOException;
  }

  /** Another run, alive, holds the CA. */
  public static final class BusyException extends RuntimeException {
    public BusyException(String message) {
      super(message);
    }
  }
}
