package io.stepcarecovery.archive;

import io.stepcarecovery.archive.ArchiveReader.Limits;
import java.nio.file.Path;

/**
 * The bytes an archive may expand to, against tar and gzip bombs: every inflated byte counts,
 * file content and what follows the tar end alike, both against the total ({@link
 * Limits#maxBytes}) and, past {@link Limits#ratioFloor}, against the compressed bytes read so
 * far ({@link Limits#maxRatio}).
 */
final class ExpansionBudget {
  private final Path archive;
  private final Limits limits;
  private long bytes;

  ExpansionBudget(Path archive, Limits limits) {
    this.archive = archive;
    this.limits = limits;
  }

  /** Uncompressed bytes counted so far. */
  long bytes() {
    return bytes;
  }

  /** Before a file's content is read: what its header announces must fit what is left. */
  void announce(long size) {
    if (size < 0 || bytes + size > limits.maxBytes()) {
      throw tarBomb();
    }
  }

  /** File content, whose total its header already announced. */
  void content(int n, long compressed) {
    bytes += n;
    checkRatio(compressed);
  }

  /** Bytes after the tar end, which no header announced. */
  void trailing(int n, long compressed) {
    bytes += n;
    if (bytes > limits.maxBytes()) {
      throw tarBomb();
    }
    checkRatio(compressed);
  }

  private void checkRatio(long compressed) {
    if (bytes > limits.ratioFloor() && bytes > limits.maxRatio() * Math.max(1, compressed)) {
      throw new UnsafeArchiveException(archive + " expands more than " + limits.maxRatio()
          + "× its compressed size: refused as a gzip bomb");
    }
  }

  private UnsafeArchiveException tarBomb() {
    return new UnsafeArchiveException(archive + " would expand beyond " + limits.maxBytes()
        + " bytes: refused as a tar bomb");
  }
}
