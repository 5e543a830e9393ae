package io.stepcarecovery.archive;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Inflates one segment of a {@link MemberIndex} and proves the index right about it: the bytes
 * must be whole gzip members, nothing before, between or after them (a segment that starts or
 * ends inside a member fails here), each member's CRC-32 and length must hold, and together
 * they must inflate to exactly the length the index claims, never more (so a lying index cannot
 * make a worker inflate past its buffer). The decoder is the one the sequential path uses
 * ({@code GzipCompressorInputStream} reading concatenated members), so a segment inflates to
 * what the sequential read of the same bytes would produce.
 */
final class SegmentInflater {
  private SegmentInflater() {}

  /**
   * @param in the segment's compressed bytes, {@code in[0..inLen)}
   * @param out receives the inflated bytes; at least {@code claimed} long
   * @throws IndexMismatchException when the segment is not what the index says
   */
  static void inflate(byte[] in, int inLen, byte[] out, int claimed) throws IOException {
    ByteArrayInputStream bytes = new ByteArrayInputStream(in, 0, inLen);
    int n;
    try (GzipCompressorInputStream gz = new GzipCompressorInputStream(bytes, true)) {
      n = gz.readNBytes(out, 0, claimed);
      if (n < claimed) {
        throw new IndexMismatchException("inflates to " + n + " bytes where the index says " + claimed);
      }
      if (gz.read() >= 0) {
        throw new IndexMismatchException("inflates to more than the " + claimed + " bytes the index says");
      }
    } catch (IndexMismatchException e) {
      throw e;
    } catch (IOException e) {
      // not gzip where the index says a member starts, a member cut where it says one ends,
      // a CRC or length that does not hold
      throw new IndexMismatchException("is not whole gzip members (" + e + ")");
    }
    if (bytes.available() != 0) {
      throw new IndexMismatchException(bytes.available() + " bytes follow its last member");
    }
  }

  /** A segment the index describes wrongly: tampering or corruption, never our writer's output. */
  static final class IndexMismatchException extends IOException {
    IndexMismatchException(String message) {
      super(message);
    }
  }
}
