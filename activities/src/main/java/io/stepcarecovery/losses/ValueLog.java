package io.stepcarecovery.losses;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads one badger v2 value log ({@code NNNNNN.vlog}) read-only, as step-ca 0.19 writes it
 * (badger v2.2007, {@code value.go}): a 20-byte header (key id, 8 bytes big-endian, 0 = not
 * encrypted; base IV, 12 bytes), then entries {@code meta · userMeta · uvarint klen · uvarint
 * vlen · uvarint expiresAt · key · value · CRC32-Castagnoli (big-endian) of all before it}.
 * Every write goes through the value log (it is badger's write-ahead log, and only value-log GC
 * deletes a file: step-ca never runs it), so the logs hold every committed write of the CA.
 *
 * <p>Transactions as badger's own replay ({@code valueLog.iterate}) takes them: entries with the
 * txn bit count only once the entry with the fin-txn bit of the same version follows. The file
 * is hostile: every length is bounded by the file and by badger's own limits, every entry's CRC
 * is checked, and the first thing that does not hold ends the read with a {@link Damage} (what was
 * committed before it has been visited), never an exception or an unbounded allocation; values
 * are kept only where the visitor asks, so memory follows the keys, not the file.
 */
final class ValueLog {
  static final int HEADER = 20;
  /** badger's own bound ({@code safeRead.Entry}); step-ca's keys are far shorter. */
  static final int MAX_KEY = 1 << 16;
  /** Values longer than this are CRC-checked but not kept: what is listed never needs them. */
  static final int KEEP_VALUE = 1 << 16;
  private static final int BIT_DELETE = 1;
  private static final int BIT_TXN = 1 << 6;
  private static final int BIT_FIN_TXN = 1 << 7;

  /** One committed write: the badger key without its version, the version, the value (or null). */
  record Write(byte[] key, long version, boolean deleted, byte[] value) {}

  /** Where and why the read stopped before the end of the file. */
  record Damage(Path file, long offset, String reason) {
    String describe() {
      return file.getFileName() + " at byte " + offset + ": " + reason;
    }
  }

  /** What a read is for: which values to keep, and each committed write in file order. */
  interface Visitor {
    /** Whether to keep this key's value (else it is CRC-checked and dropped: memory stays small). */
    boolean wantsValue(byte[] userKey);

    void committed(Write write);
  }

  /** Far above badger's own batch limit; an open transaction larger than this is damage. */
  static final int MAX_TXN_ENTRIES = 1_000_000;

  private ValueLog() {}

  /** Reads the file from its start; returns where and why it stopped early, or null at its end. */
  static Damage read(Path file, Visitor visitor) throws IOException {
    long size = Files.size(file);
    List<Write> pending = new ArrayList<>();
    long pendingVersion = -1;
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      Counting in = new Counting(raw);
      if (size < HEADER) {
        return new Damage(file, 0, "shorter (" + size + " bytes) than a value log's 20-byte header");
      }
      byte[] header = in.readFully(HEADER);
      long keyId = be64(header, 0);
      if (keyId != 0) {
        return new Damage(file, 0, "encrypted (badger key id " + keyId + "); this reader reads only plain"
            + " value logs");
      }
      while (true) {
        long start = in.position;
        int first = in.read();
        if (first < 0) {
          break;
        }
        try {
          CRC32C crc = new CRC32C();
          Counting.Hashed h = in.hashing(crc);
          crc.update(first);
          int meta = first;
          h.read1();
          long klen = h.uvarint();
          long vlen = h.uvarint();
          h.uvarint(); // expiresAt: step-ca sets no TTL on what is listed
          long left = size - in.position;
          if (klen < 9 || klen > MAX_KEY) {
            return damage(file, start, pending, "key length " + klen + " out of bounds");
          }
          if (klen > left) {
            return damage(file, start, pending, "key length " + klen + " runs past the end of the file (truncated?)");
          }
          if (vlen < 0 || vlen > left - klen - 4) {
            return damage(file, start, pending, "value length " + vlen + " runs past the end of the file (truncated?)");
          }
          byte[] key = h.readFully((int) klen);
          byte[] userKey = Arrays.copyOf(key, key.length - 8);
          boolean fin = (meta & BIT_FIN_TXN) != 0;
          boolean keep = vlen <= KEEP_VALUE && (fin || visitor.wantsValue(userKey));
          byte[] value = keep ? h.readFully((int) vlen) : null;
          if (!keep) {
            h.skipHashed(vlen);
          }
          long expected = be32(in.readFully(4));
          if (expected != crc.getValue()) {
            return damage(file, start, pending, "checksum mismatch (corrupt or torn write)");
          }
          long version = ~be64(key, key.length - 8); // badger stores MaxUint64 - version
          if (fin) {
            if (pendingVersion < 0 || !String.valueOf(pendingVersion).equals(ascii(value))) {
              return damage(file, start, pending, "transaction end without its transaction");
            }
            pending.forEach(visitor::committed);
            pending.clear();
            pendingVersion = -1;
          } else if ((meta & BIT_TXN) != 0) {
            if (pendingVersion >= 0 && pendingVersion != version) {
              return damage(file, start, pending, "transaction " + pendingVersion + " never ended");
            }
            if (pending.size() >= MAX_TXN_ENTRIES) {
              return damage(file, start, pending, "a transaction of more than " + MAX_TXN_ENTRIES + " entries");
            }
            pendingVersion = version;
            pending.add(new Write(userKey, version, (meta & BIT_DELETE) != 0, value));
          } else {
            if (pendingVersion >= 0) {
              return damage(file, start, pending, "entry inside transaction " + pendingVersion);
            }
            visitor.committed(new Write(userKey, version, (meta & BIT_DELETE) != 0, value));
          }
        } catch (Malformed e) {
          return damage(file, start, pending, e.getMessage());
        } catch (EOFException e) {
          return damage(file, start, pending, "the file ends inside an entry (truncated)");
        }
      }
    }
    if (!pending.isEmpty()) {
      return new Damage(file, size, "transaction " + pendingVersion
          + " has no end at the end of the file (torn write): its " + pending.size() + " entries not counted");
    }
    return null;
  }

  private static Damage damage(Path file, long offset, List<Write> pending, String reason) {
    return new Damage(file, offset, reason + (pending.isEmpty() ? ""
        : "; the open transaction's " + pending.size() + " entries not counted"));
  }

  private static String ascii(byte[] b) {
    return b == null ? "" : new String(b, java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static long be64(byte[] b, int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[at + i] & 0xff);
    }
    return v;
  }

  private static long be32(byte[] b) {
    return ((long) (b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
  }

  private static final class Malformed extends IOException {
    Malformed(String message) {
      super(message);
    }
  }

  /** A stream that knows its position; reads through {@link Hashed} also feed a CRC. */
  private static final class Counting {
    private final InputStream in;
    long position;

    Counting(InputStream in) {
      this.in = in;
    }

    int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        position++;
      }
      return b;
    }

    byte[] readFully(int n) throws IOException {
      byte[] b = in.readNBytes(n);
      position += b.length;
      if (b.length < n) {
        throw new EOFException();
      }
      return b;
    }

    Hashed hashing(CRC32C crc) {
      return new Hashed(crc);
    }

    final class Hashed {
      private final CRC32C crc;

      Hashed(CRC32C crc) {
        this.crc = crc;
      }

      int read1() throws IOException {
        int b = read();
        if (b < 0) {
          throw new EOFException();
        }
        crc.update(b);
        return b;
      }

      /** Go's binary.Uvarint: at most 10 bytes, else the entry is damaged. */
      long uvarint() throws IOException {
        long v = 0;
        for (int shift = 0; shift < 70; shift += 7) {
          int b = read1();
          v |= (long) (b & 0x7f) << shift;
          if (b < 0x80) {
            return v;
          }
        }
        throw new Malformed("a length longer than 10 bytes");
      }

      byte[] readFully(int n) throws IOException {
        byte[] b = Counting.this.readFully(n);
        crc.update(b);
        return b;
      }

      void skipHashed(long n) throws IOException {
        byte[] buf = new byte[8192];
        while (n > 0) {
          byte[] b = Counting.this.readFully((int) Math.min(buf.length, n));
          crc.update(b);
          n -= b.length;
        }
      }
    }
  }
}
