package io.stepcarecovery.archive;

import java.io.InputStream;

/**
 * An archive's decompressed stream as the entry loop reads it, in order, whoever inflates it
 * ({@link InflatingStream}: one thread, member after member; {@link ParallelInflatingStream}:
 * several, by the {@link MemberIndex}). Closing it stops and joins every thread it started.
 */
abstract class InflatedStream extends InputStream {
  /** The name of every inflating thread, which a test looks for to prove none outlives a read. */
  static final String THREAD = "archive-inflate";

  /**
   * Compressed bytes behind what was read so far, for the gzip-bomb ratio: at least what
   * produced the bytes read, at most a segment or chunk ahead of them.
   */
  abstract long compressed();
}
