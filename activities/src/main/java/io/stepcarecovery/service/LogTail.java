package io.stepcarecovery.service;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The last lines of a possibly large log file, read from its end. */
public final class LogTail {
  private static final int MAX_BYTES = 256 * 1024;

  private LogTail() {}

  public static List<String> lastLines(Path file, int max) {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      int n = (int) Math.min(len, MAX_BYTES);
      byte[] buf = new byte[n];
      f.seek(len - n);
      f.readFully(buf);
      List<String> lines = new ArrayList<>(new String(buf, StandardCharsets.UTF_8).lines().toList());
      if (n < len && !lines.isEmpty()) {
        lines.remove(0); // cut mid-line
      }
      return List.copyOf(lines.subList(Math.max(0, lines.size() - max), lines.size()));
    } catch (IOException e) {
      return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
    }
  }
}
