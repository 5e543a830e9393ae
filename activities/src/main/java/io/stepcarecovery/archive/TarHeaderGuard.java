package io.stepcarecovery.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.tar.TarUtils;

/**
 * Sees the raw header records and extended-header data that Commons Compress digests for us:
 * it silently strips a leading '/' from PAX {@code path} and GNU long names (only a plain
 * ustar name keeps it), and would read an extended header of any size into memory.
 *
 * <p>It refuses three things before Commons Compress acts on them: an absolute name in any of
 * the three places a name can stand (ustar prefix/name, GNU long name, PAX {@code path}), a
 * global PAX header, and an extended header over {@link #MAX_EXTENDED} bytes. Everything else
 * about an entry is the entry loop's to judge. {@code depth} is above 0 while Commons Compress
 * parses headers inside {@link #getNextEntry} (it recurses for each extended header), so the
 * records and data read then are header, never file content.
 */
final class TarHeaderGuard extends TarArchiveInputStream {
  private static final int MAX_EXTENDED = 1 << 20;
  private final Path archive;
  private int depth;
  private byte type;
  private ByteArrayOutputStream extended;

  TarHeaderGuard(Path archive, InputStream in) {
    super(in);
    this.archive = archive;
  }

  @Override
  public TarArchiveEntry getNextEntry() throws IOException {
    depth++;
    try {
      TarArchiveEntry e = super.getNextEntry();
      if (depth == 1) {
        endRecord();
      }
      return e;
    } finally {
      depth--;
    }
  }

  @Override
  protected byte[] readRecord() throws IOException {
    byte[] r = super.readRecord();
    if (depth > 0 && r != null && r.length >= 512) {
      endRecord();
      type = r[156];
      if (!isEOFRecord(r)) {
        header(r);
      }
    }
    return r;
  }

  private void header(byte[] r) {
    boolean posix = r[257] == 'u' && r[262] == 0; // "ustar\0": name = prefix/name
    String raw = posix && r[345] != 0 ? cString(r, 345, 155) + "/" + cString(r, 0, 100) : cString(r, 0, 100);
    if (raw.startsWith("/")) {
      EntryNames.safe(archive, raw);
    }
    if (type == TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER) {
      throw new UnsafeArchiveException(archive + " has a global PAX header: refused (it would rename or"
          + " reshape every entry after it; this tool never writes one)");
    }
    if (type == TarConstants.LF_PAX_EXTENDED_HEADER_LC || type == TarConstants.LF_PAX_EXTENDED_HEADER_UC
        || type == TarConstants.LF_GNUTYPE_LONGNAME || type == TarConstants.LF_GNUTYPE_LONGLINK) {
      long size;
      try {
        size = TarUtils.parseOctalOrBinary(r, 124, 12);
      } catch (IllegalArgumentException malformed) {
        return; // Commons Compress refuses it itself
      }
      if (size > MAX_EXTENDED) {
        throw new UnsafeArchiveException(archive + " has an extended header of " + size
            + " bytes: refused (a name or attributes never need more than " + MAX_EXTENDED + ")");
      }
      extended = new ByteArrayOutputStream();
    }
  }

  /** The extended header just read, before Commons Compress normalises what it says. */
  private void endRecord() {
    ByteArrayOutputStream data = extended;
    extended = null;
    if (data == null) {
      return;
    }
    byte[] b = data.toByteArray();
    if (type == TarConstants.LF_GNUTYPE_LONGNAME && b.length > 0 && b[0] == '/') {
      EntryNames.safe(archive, cString(b, 0, b.length));
    }
    if (type == TarConstants.LF_PAX_EXTENDED_HEADER_LC || type == TarConstants.LF_PAX_EXTENDED_HEADER_UC) {
      // records: "<length> <key>=<value>\n", the length counting the whole record
      int off = 0;
      while (off < b.length) {
        int sp = off;
        int len = 0;
        while (sp < b.length && b[sp] >= '0' && b[sp] <= '9' && len < MAX_EXTENDED) {
          len = len * 10 + (b[sp++] - '0');
        }
        if (sp >= b.length || b[sp] != ' ' || len <= sp - off || off + len > b.length) {
          return; // malformed: Commons Compress refuses it itself
        }
        String rec = new String(b, sp + 1, off + len - sp - 1, StandardCharsets.UTF_8);
        int eq = rec.indexOf('=');
        if (eq > 0 && rec.substring(0, eq).equals("path") && rec.startsWith("/", eq + 1)) {
          String value = rec.substring(eq + 1);
          EntryNames.safe(archive, value.endsWith("\n") ? value.substring(0, value.length() - 1) : value);
        }
        off += len;
      }
    }
  }

  private static String cString(byte[] b, int off, int max) {
    int end = off;
    while (end < off + max && end < b.length && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (depth > 0 && extended != null && n > 0) {
      if (extended.size() + n > MAX_EXTENDED) {
        throw new UnsafeArchiveException(archive + " has an extended header over " + MAX_EXTENDED
            + " bytes: refused");
      }
      extended.write(b, off, n);
    }
    return n;
  }
}
