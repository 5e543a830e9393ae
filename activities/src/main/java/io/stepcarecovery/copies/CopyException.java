package io.stepcarecovery.copies;

/**
 * A copy refused for a reason retrying will not fix: a host key that does not match the pinned
 * one, a read-back that differs from what was written, a store that holds something else under
 * the backup's name. Not retried by the activity.
 */
public class CopyException extends RuntimeException {
  public CopyException(String message) {
    super(message);
  }

  public CopyException(String message, Throwable cause) {
    super(message, cause);
  }
}
