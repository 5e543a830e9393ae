package io.stepcarecovery.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Where an archive's gzip members lie, so that restore can inflate them on several cores. It is
 * written as one more gzip member at the very end of the file, an empty one whose header
 * carries the index in an FEXTRA subfield (RFC 1952 §2.3.1.1, subfield id {@code SR}): GNU
 * gzip, {@code tar -xzf} and Commons Compress skip header extras and inflate it to nothing, so
 * the archive stays a plain tar.gz. An archive without it (older ones, encrypted ones) is read
 * in one sequential pass as before.
 *
 * <p>The index lists <em>segments</em>: runs of whole consecutive members, each with its
 * compressed and inflated length; the first starts at byte 0 and each next one where the last
 * ended, the last one ends where the index member starts. One member per segment, unless an
 * archive has more members than one header extra can list (65,535 bytes: {@link #MAX_SEGMENTS}),
 * then a few members per segment.
 *
 * <p>The index is hostile input like everything in the archive. {@link #find} only accepts one
 * whose layout is exact (its own bytes, the segments tiling the file from 0 up to it, each
 * within {@link #MAX_IN}/{@link #MAX_OUT}); anything else is no index (the sequential path).
 * What it cannot know from the layout — that each segment really is whole gzip members that
 * inflate to the length claimed — the inflating side checks on every segment, and refuses.
 */
record MemberIndex(List<Segment> segments, long start, byte[] member) {
  /** Compressed and inflated bytes of one segment, and where it starts in the file. */
  record Segment(long offset, int compressed, int inflated) {
    long end() {
      return offset + compressed;
    }
  }

  /** The most a segment may inflate to: the reader holds a few of them in memory at once. */
  static final int MAX_OUT = 16 << 20;
  /** The most a segment may take compressed (deflate's worst case of {@link #MAX_OUT}). */
  static final int MAX_IN = ParallelGzipOutputStream.maxMemberSize(MAX_OUT);
  private static final byte[] MAGIC = "SRGZIX01".getBytes(StandardCharsets.US_ASCII);
  /** Header (10) + XLEN (2) + subfield id and length (4). */
  private static final int HEAD = 16;
  /** An empty final deflate block (fixed Huffman, end of block), CRC-32 and ISIZE of nothing. */
  private static final byte[] TAIL = {3, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  /** Per segment: compressed, inflated (u32 LE each); then the count and the magic. */
  private static final int ENTRY = 8;
  private static final int FOOTER = 4 + 8;
  static final int MAX_SEGMENTS = (0xffff - 4 - FOOTER) / ENTRY;

  /**
   * The index member for members of these compressed and inflated lengths, written in this
   * order; null when there are too many, too large members to list within the limits (the
   * archive is then read sequentially, as one without an index).
   */
  static byte[] member(long[] compressed, long[] inflated, int count) {
    int per = Math.max(1, (count + MAX_SEGMENTS - 1) / MAX_SEGMENTS);
    int segments = (count + per - 1) / per;
    ByteBuffer data = ByteBuffer.allocate(segments * ENTRY + FOOTER).order(ByteOrder.LITTLE_ENDIAN);
    for (int s = 0; s < count; s += per) {
      long in = 0;
      long out = 0;
      for (int m = s; m < Math.min(count, s + per); m++) {
        in += compressed[m];
        out += inflated[m];
      }
      if (in > MAX_IN || out > MAX_OUT) {
        return null;
      }
      data.putInt((int) in).putInt((int) out);
    }
    data.putInt(segments).put(MAGIC);
    return frame(data.array());
  }

  private static byte[] frame(byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(HEAD + data.length + TAIL.length).order(ByteOrder.LITTLE_ENDIAN);
    // ID1 ID2 CM=deflate FLG=FEXTRA MTIME=0 XFL=0 OS=3 (unix), as the other members but FLG
    b.put(new byte[] {0x1f, (byte) 0x8b, 8, 4, 0, 0, 0, 0, 0, 3});
    b.putShort((short) (4 + data.length)).put((byte) 'S').put((byte) 'R').putShort((short) data.length);
    b.put(data).put(TAIL);
    return b.array();
  }

  /**
   * The index at the end of {@code ch} ({@code size} bytes), or empty when there is none or it
   * does not describe a layout this reader accepts. Never throws for what the file holds.
   */
  static Optional<MemberIndex> find(FileChannel ch, long size) throws IOException {
    int min = HEAD + FOOTER + TAIL.length;
    if (size < min) {
      return Optional.empty();
    }
    int tailLen = (int) Math.min(size, HEAD + 0xffff + TAIL.length);
    ByteBuffer tail = ByteBuffer.allocate(tailLen);
    long at = size - tailLen;
    while (tail.hasRemaining()) {
      if (ch.read(tail, at + tail.position()) < 0) {
        return Optional.empty(); // shrank under us: the sequential read will say so
      }
    }
    byte[] t = tail.array();
    if (!Arrays.equals(t, tailLen - TAIL.length, tailLen, TAIL, 0, TAIL.length)
        || !Arrays.equals(t, tailLen - TAIL.length - MAGIC.length, tailLen - TAIL.length, MAGIC, 0, MAGIC.length)) {
      return Optional.empty();
    }
    ByteBuffer le = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);
    long segments = Integer.toUnsignedLong(le.getInt(tailLen - TAIL.length - FOOTER));
    if (segments < 1 || segments > MAX_SEGMENTS) {
      return Optional.empty();
    }
    int dataLen = (int) segments * ENTRY + FOOTER;
    int memberLen = HEAD + dataLen + TAIL.length;
    if (memberLen > tailLen) {
      return Optional.empty();
    }
    byte[] member = Arrays.copyOfRange(t, tailLen - memberLen, tailLen);
    byte[] data = Arrays.copyOfRange(member, HEAD, HEAD + dataLen);
    if (!Arrays.equals(member, frame(data))) {
      return Optional.empty(); // the header around it is not exactly ours
    }
    long start = size - memberLen;
    Segment[] list = new Segment[(int) segments];
    long offset = 0;
    ByteBuffer d = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < segments; i++) {
      long in = Integer.toUnsignedLong(d.getInt());
      long out = Integer.toUnsignedLong(d.getInt());
      // 18 bytes is the smallest gzip member (header, empty block, trailer)
      if (in < 18 || in > MAX_IN || out > MAX_OUT || offset + in > start) {
        return Optional.empty();
      }
      list[i] = new Segment(offset, (int) in, (int) out);
      offset += in;
    }
    if (offset != start) {
      return Optional.empty(); // a gap or an overlap before the index: not a tiling of the file
    }
    return Optional.of(new MemberIndex(List.of(list), start, member));
  }

  /** The largest compressed segment, for buffers. */
  int maxCompressed() {
    return segments.stream().mapToInt(Segment::compressed).max().orElse(0);
  }

  /** The largest inflated segment, for buffers. */
  int maxInflated() {
    return segments.stream().mapToInt(Segment::inflated).max().orElse(0);
  }
}
