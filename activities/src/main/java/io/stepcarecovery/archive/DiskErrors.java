package io.stepcarecovery.archive;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * Writes through streams fail with a bare {@code IOException("No space left on device")}, naming
 * no file. This gives it the file, as a {@link FileSystemException}, so the failure says where
 * the disk is full and is treated as a disk refusal (not retried).
 */
public final class DiskErrors {
  private DiskErrors() {}

  public static IOException naming(Path file, IOException e) {
    if (e instanceof FileSystemException) {
      return e;
    }
    String m = String.valueOf(e.getMessage());
    if (m.contains("No space left on device") || m.contains("Disk quota exceeded")
        || m.contains("Read-only file system")) {
      FileSystemException named = new FileSystemException(file.toString(), null, m);
      named.initCause(e);
      return named;
    }
    return e;
  }
}
