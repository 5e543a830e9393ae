package io.stepcarecovery.losses;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Writes value logs the way badger v2.2007's {@code logFile.encodeEntry} does, with step-ca's
 * nosql key layout: for tests that need a damaged or unusual file real step-ca never writes.
 */
final class VlogBytes {
  static final int TXN = 1 << 6;
  static final int FIN = 1 << 7;
  static final int DELETE = 1;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  VlogBytes() {
    out.writeBytes(new byte[20]); // key id 0 (plain), base IV
  }

  /** One transaction setting (or deleting, value null) table/key pairs, then its end. */
  VlogBytes txn(long version, String... tableKeyValue) {
    for (int i = 0; i < tableKeyValue.length; i += 3) {
      byte[] v = tableKeyValue[i + 2] == null ? new byte[0] : tableKeyValue[i + 2].getBytes(StandardCharsets.UTF_8);
      entry(TXN | (tableKeyValue[i + 2] == null ? DELETE : 0), key(tableKeyValue[i], tableKeyValue[i + 1]), version, v);
    }
    entry(FIN, "!badger!txn".getBytes(StandardCharsets.US_ASCII), version,
        Long.toString(version).getBytes(StandardCharsets.US_ASCII));
    return this;
  }

  VlogBytes entry(int meta, byte[] userKey, long version, byte[] value) {
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    e.write(meta);
    e.write(0);
    uvarint(e, userKey.length + 8);
    uvarint(e, value.length);
    uvarint(e, 0);
    e.writeBytes(userKey);
    long stored = ~version;
    for (int i = 7; i >= 0; i--) {
      e.write((int) (stored >>> (8 * i)));
    }
    e.writeBytes(value);
    CRC32C crc = new CRC32C();
    crc.update(e.toByteArray());
    long c = crc.getValue();
    e.write((int) (c >>> 24));
    e.write((int) (c >>> 16));
    e.write((int) (c >>> 8));
    e.write((int) c);
    out.writeBytes(e.toByteArray());
    return this;
  }

  static byte[] key(String table, String key) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (String part : new String[] {table, key}) {
      byte[] p = part.getBytes(StandardCharsets.UTF_8);
      b.write(p.length & 0xff);
      b.write(p.length >>> 8);
      b.writeBytes(p);
    }
    return b.toByteArray();
  }

  private static void uvarint(ByteArrayOutputStream o, long v) {
    while (v >= 0x80) {
      o.write((int) (v & 0x7f) | 0x80);
      v >>>= 7;
    }
    o.write((int) v);
  }

  byte[] bytes() {
    return out.toByteArray();
  }
}
