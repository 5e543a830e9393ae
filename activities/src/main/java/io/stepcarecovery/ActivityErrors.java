package io.stepcarecovery;

import io.stepcarecovery.archive.UnsafeArchiveException;
import io.stepcarecovery.config.ConfigException;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.util.concurrent.Callable;

/**
 * Turns what went wrong in an activity into a Temporal failure: problems only a person can fix
 * (config, a hostile archive, a disk that refuses writes) are not retried; the rest are. The
 * message is the one line the operator sees, so it names what and where, never a secret.
 */
public final class ActivityErrors {
  public static final String BAD_INPUT = "BadInput";
  public static final String UNSAFE_ARCHIVE = "UnsafeArchive";
  public static final String DISK_REFUSED = "DiskRefused";

  private ActivityErrors() {}

  public static <T> T run(Callable<T> work) {
    try {
      return work.call();
    } catch (ConfigException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), BAD_INPUT);
    } catch (UnsafeArchiveException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), UNSAFE_ARCHIVE);
    } catch (ApplicationFailure e) {
      throw e;
    } catch (IOException e) {
      throw io(e, null);
    } catch (UncheckedIOException e) {
      throw io(e.getCause(), null);
    } catch (RuntimeException e) {
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof IOException io) {
          throw io(io, e.getMessage());
        }
      }
      throw ApplicationFailure.newFailure(e.getMessage() == null ? e.toString() : e.getMessage(),
          e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted", "Interrupted");
    } catch (Exception e) {
      throw ApplicationFailure.newFailure(e.toString(), e.getClass().getSimpleName());
    }
  }

  public static void runVoid(ThrowingRunnable work) {
    run(() -> {
      work.run();
      return null;
    });
  }

  /** Disk refusals (permissions, full, read-only, immutable) will not heal by retrying. */
  private static ApplicationFailure io(IOException e, String context) {
    String prefix = context == null ? "" : context + ": ";
    if (e instanceof FileSystemException fs) {
      String reason = e instanceof AccessDeniedException ? "Permission denied" : String.valueOf(fs.getReason());
      if (e instanceof AccessDeniedException || reason.contains("No space left")
          || reason.contains("Read-only file system") || reason.contains("Operation not permitted")
          || reason.contains("Disk quota exceeded")) {
        return ApplicationFailure.newNonRetryableFailure(prefix + reason + ": " + fs.getFile()
            + " (fix the disk or its permissions, then run again)", DISK_REFUSED);
      }
    }
    if (String.valueOf(e.getMessage()).contains("No space left on device")) {
      return ApplicationFailure.newNonRetryableFailure(prefix + e.getMessage()
          + " (free space, then run again)", DISK_REFUSED);
    }
    return ApplicationFailure.newFailure(prefix + e.getClass().getSimpleName() + ": " + e.getMessage(), "IO");
  }

  @FunctionalInterface
  public interface ThrowingRunnable {
    void run() throws Exception;
  }
}
