package io.stepcarecovery.losses;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a step-ca badger database holds, read from its value logs alone (see {@link ValueLog}):
 * the last committed write of each key wins, a delete removes it. step-ca's nosql driver
 * ({@code smallstep/nosql/badger/v2}) makes each badger key of two length-prefixed parts,
 * {@code uint16 LE length · table · uint16 LE length · key}; a table alone is the table's marker,
 * and keys starting {@code !badger!} are badger's own. One pass keeps only a {@link KeyIndex};
 * what is to be printed is read in a second pass ({@link #visit}).
 */
final class StepCaData {
  private static final Pattern VLOG = Pattern.compile("\\d{1,10}\\.vlog");
  /** Far above any real CA (a log holds up to 1 GB or a million entries), bounded anyway. */
  static final int MAX_LOGS = 4096;
  /** Tables never listed nor counted, one key per ACME request or token: not worth their memory. */
  private static final List<byte[]> SKIPPED = List.of(prefix("nonces"), prefix("used_ott"));

  private final Path dir;
  private final List<Path> files;
  private final KeyIndex index;
  private final List<ValueLog.Damage> damage;

  private StepCaData(Path dir, List<Path> files, KeyIndex index, List<ValueLog.Damage> damage) {
    this.dir = dir;
    this.files = files;
    this.index = index;
    this.damage = damage;
  }

  Path dir() {
    return dir;
  }

  int logs() {
    return files.size();
  }

  KeyIndex index() {
    return index;
  }

  /** Where reading stopped early; empty when every log was read to its end. */
  List<ValueLog.Damage> damage() {
    return damage;
  }

  /** Reads every value log of the badger directory {@code dir}, oldest first: keys and versions only. */
  static StepCaData read(Path dir) throws IOException {
    List<Path> logs;
    try (Stream<Path> s = Files.list(dir)) {
      logs = s.filter(p -> VLOG.matcher(p.getFileName().toString()).matches())
          .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .limit(MAX_LOGS + 1L)
          .sorted((a, b) -> Long.compare(fid(a), fid(b)))
          .toList();
    }
    if (logs.isEmpty()) {
      throw new IOException("no badger value log (*.vlog) in " + dir);
    }
    if (logs.size() > MAX_LOGS) {
      throw new IOException("more than " + MAX_LOGS + " value logs in " + dir + ": not a step-ca database");
    }
    KeyIndex index = new KeyIndex();
    List<ValueLog.Damage> damage = new ArrayList<>();
    for (Path log : logs) {
      ValueLog.Damage d = ValueLog.read(log, new ValueLog.Visitor() {
        @Override
        public boolean wantsValue(byte[] userKey) {
          return false;
        }

        @Override
        public void committed(ValueLog.Write w) {
          // The newest version wins, whichever log holds it (a rewrite may move an old one forward).
          if (split(w.key()) != null && SKIPPED.stream().noneMatch(p -> startsWith(w.key(), p))) {
            index.apply(index.digest(w.key()), w.version(), w.deleted());
          }
        }
      });
      if (d != null) {
        damage.add(d);
      }
    }
    return new StepCaData(dir, logs, index, List.copyOf(damage));
  }

  /**
   * A second pass: each live key's last write, where {@code keys} holds its digest, as
   * {table, key} and its value (null unless {@code wantsValue} asked for it, or longer than
   * {@link ValueLog#KEEP_VALUE}).
   */
  void visit(KeyIndex keys, java.util.function.Predicate<String> wantsValueOfTable, LiveWrite to) throws IOException {
    for (Path log : files) {
      ValueLog.read(log, new ValueLog.Visitor() {
        @Override
        public boolean wantsValue(byte[] userKey) {
          String[] tk = split(userKey);
          return tk != null && wantsValueOfTable.test(tk[0]) && keys.contains(index.digest(userKey));
        }

        @Override
        public void committed(ValueLog.Write w) {
          if (w.deleted()) {
            return;
          }
          long d = index.digest(w.key());
          if (keys.contains(d) && index.isLive(d) && index.version(d) == w.version()) {
            String[] tk = split(w.key());
            if (tk != null) {
              to.write(tk[0], tk[1], w.value());
            }
          }
        }
      });
    }
  }

  /** A live key's last write, met in the second pass. */
  interface LiveWrite {
    void write(String table, String key, byte[] value);
  }

  /** The live keys of one table (ISO-8859-1 strings: one char per byte, so any key survives). */
  Set<String> liveKeys(String table) throws IOException {
    Set<String> keys = new HashSet<>();
    visit(index, t -> false, (t, k, v) -> {
      if (t.equals(table)) {
        keys.add(k);
      }
    });
    return keys;
  }

  private static long fid(Path p) {
    String n = p.getFileName().toString();
    return Long.parseLong(n.substring(0, n.length() - ".vlog".length()));
  }

  /** {table, key} of a step-ca badger key, or null for badger's own keys, table markers and others. */
  static String[] split(byte[] k) {
    if (startsWith(k, "!badger!".getBytes(StandardCharsets.US_ASCII))) {
      return null;
    }
    int tableLen = u16(k, 0);
    if (tableLen <= 0 || 2 + tableLen + 2 > k.length) {
      return null; // a table marker (the table alone) or not step-ca's layout
    }
    int keyLen = u16(k, 2 + tableLen);
    if (keyLen <= 0 || 2 + tableLen + 2 + keyLen != k.length) {
      return null;
    }
    return new String[] {new String(k, 2, tableLen, StandardCharsets.ISO_8859_1),
        new String(k, 4 + tableLen, keyLen, StandardCharsets.ISO_8859_1)};
  }

  private static byte[] prefix(String table) {
    byte[] t = table.getBytes(StandardCharsets.US_ASCII);
    byte[] p = new byte[t.length + 2];
    p[0] = (byte) t.length;
    p[1] = (byte) (t.length >>> 8);
    System.arraycopy(t, 0, p, 2, t.length);
    return p;
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int u16(byte[] b, int at) {
    return at + 2 > b.length ? -1 : (b[at] & 0xff) | ((b[at + 1] & 0xff) << 8);
  }
}
