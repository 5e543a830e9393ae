package io.stepcarecovery.sqldb;

import io.stepcarecovery.archive.UnsafeArchiveException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * Streams a {@code mariadb-dump --databases DB} dump into another database: its own
 * {@code CREATE DATABASE … `DB`} is dropped and its {@code USE `DB`} names the target instead, so
 * nothing of it lands in the live database. Any other statement that creates, drops or selects a
 * database is refused: a dump is SQL run with the CA's database user, and it must stay in the
 * database it is loaded into. (Authenticity of the dump is the backup signature's job; this only
 * keeps a well-formed dump from escaping its target.) Lines are copied byte for byte (ISO-8859-1
 * in, ISO-8859-1 out); mariadb-dump --hex-blob writes every value of step-ca's tables as hex, so
 * no statement line starts inside a quoted value.
 */
public final class DumpFilter {
  private DumpFilter() {}

  /** @return the number of lines copied */
  public static long copy(InputStream dump, OutputStream out, String from, String into, LongConsumer progress)
      throws IOException {
    String use = "use `" + from.toLowerCase(Locale.ROOT) + "`;";
    BufferedReader in = new BufferedReader(new InputStreamReader(dump, StandardCharsets.ISO_8859_1), 1 << 16);
    Writer w = new OutputStreamWriter(out, StandardCharsets.ISO_8859_1);
    long lines = 0;
    long bytes = 0;
    boolean used = false;
    for (String line; (line = in.readLine()) != null; ) {
      lines++;
      bytes += line.length() + 1;
      String head = line.stripLeading().toLowerCase(Locale.ROOT);
      if (head.startsWith("create database") || head.startsWith("create schema")) {
        if (!head.contains("`" + from.toLowerCase(Locale.ROOT) + "`") || used) {
          throw refused(lines, "creates another database");
        }
        continue; // the target exists already: it was made empty for this load
      }
      if (head.startsWith("use ") || head.startsWith("use`")) {
        if (!head.strip().equals(use) || used) {
          throw refused(lines, "selects another database");
        }
        used = true;
        w.write("USE `" + into + "`;\n");
        continue;
      }
      if (head.startsWith("drop database") || head.startsWith("drop schema")
          || head.startsWith("alter database") || head.startsWith("alter schema")
          || head.startsWith("\\u") || head.startsWith("connect") || head.startsWith("\\r")) {
        throw refused(lines, "acts on another database");
      }
      w.write(line);
      w.write('\n');
      progress.accept(bytes);
    }
    w.flush();
    progress.accept(bytes);
    return lines;
  }

  private static UnsafeArchiveException refused(long line, String what) {
    return new UnsafeArchiveException("the database dump " + what + " at line " + line
        + ": a restore loads it into its own staging database only; refused");
  }
}
