package io.stepcarecovery;

import io.stepcarecovery.archive.UnsafeArchiveException;
import io.stepcarecovery.config.ConfigException;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.util.concurrent.Callable;

/**
 * Turns what went wrong in an activity into a Temporal failure: problems only a person can fix
 * (config, a hostile archive, a store that refuses writes) are not retried; the rest are. The
 * message is the one line the operator sees, so it names what and where, never a secret.
 */
public final class ActivityErrors {
  public static final String BAD_INPUT = "BadInput";
  public static final String UNSAFE_ARCHIVE = "UnsafeArchive";
  public static final String STORE_UNUSABLE = "StoreUnusable";

  private ActivityErrors() {}

  public static <T> T run(Callable<T> work) {
    try {
      return work.call();
    } catch (ConfigException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), BAD_INPUT);
    } catch (UnsafeArchiveException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), UNSAFE_ARCHIVE);
    } catch (AccessDeniedException e) {
      throw ApplicationFailure.newNonRetryableFailure("permission denied: " + e.getFile()
          + (e.getReason() == null ? "" : " (" + e.getReason() + ")"), STORE_UNUSABLE);
    } catch (FileSystemException e) {
      String reason = String.valueOf(e.getReason());
      if (reason.contains("No space left") || reason.contains("Read-only file system")) {
        throw ApplicationFailure.newNonRetryableFailure(reason + ": " + e.getFile(), STORE_UNUSABLE);
      }
      throw ApplicationFailure.newFailure(e.getClass().getSimpleName() + ": " + e.getMessage(), "IO");
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(e.getClass().getSimpleName() + ": " + e.getMessage(), "IO");
    } catch (ApplicationFailure e) {
      throw e;
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() instanceof AccessDeniedException || root.getCause() instanceof FileSystemException) {
        root = root.getCause();
      }
      if (root instanceof AccessDeniedException ade) {
        throw ApplicationFailure.newNonRetryableFailure(e.getMessage() + " (permission denied: "
            + ade.getFile() + ")", STORE_UNUSABLE);
      }
      throw ApplicationFailure.newFailure(e.getMessage() == null ? e.toString() : e.getMessage(),
          e.getClass().getSimpleName());
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

  @FunctionalInterface
  public interface ThrowingRunnable {
    void run() throws Exception;
  }
}
