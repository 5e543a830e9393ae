package io.stepcarecovery.archive;

/** An archive that must not be trusted: corrupt, truncated, tampered with or hostile. */
public class UnsafeArchiveException extends RuntimeException {
  public UnsafeArchiveException(String message) {
    super(message);
  }

  public UnsafeArchiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
