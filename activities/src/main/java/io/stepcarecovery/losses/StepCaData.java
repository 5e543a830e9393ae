package io.stepcarecovery.losses;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a step-ca badger database holds, table by table, read from its value logs alone (see
 * {@link ValueLog}): the last committed write of each key wins, a delete removes it. step-ca's
 * nosql driver ({@code smallstep/nosql/badger/v2}) makes each badger key of two length-prefixed
 * parts, {@code uint16 LE length · table · uint16 LE length · key}; a table alone is the table's
 * marker, and keys starting {@code !badger!} are badger's own.
 */
final class StepCaData {
  private static final Pattern VLOG = Pattern.compile("\\d{1,10}\\.vlog");
  /** Far above any real CA (a log holds up to 1 GB or a million entries), bounded anyway. */
  static final int MAX_LOGS = 4096;

  /** A key's last committed write: its version (the value itself is read again only where needed). */
  record Value(long version) {}

  private final Path dir;
  private final List<Path> files;
  private final Map<String, Map<String, Value>> tables;
  private final List<ValueLog.Damage> damage;
  private final int logs;

  private StepCaData(Path dir, List<Path> files, Map<String, Map<String, Value>> tables, List<ValueLog.Damage> damage,
      int logs) {
    this.dir = dir;
    this.files = files;
    this.tables = tables;
    this.damage = damage;
    this.logs = logs;
  }

  Path dir() {
    return dir;
  }

  int logs() {
    return logs;
  }

  /** Where reading stopped early; empty when every log was read to its end. */
  List<ValueLog.Damage> damage() {
    return damage;
  }

  /** The table's live keys (ISO-8859-1 strings: one char per byte, so any key survives). */
  Map<String, Value> table(String name) {
    return tables.getOrDefault(name, Map.of());
  }

  Iterable<String> tableNames() {
    return tables.keySet();
  }

  /**
   * The last committed values of the given keys ({@code table -> keys}), read again from the
   * logs: only these values are ever held in memory. A key whose value was longer than
   * {@link ValueLog#KEEP_VALUE} maps to null.
   */
  Map<String, Map<String, byte[]>> values(Map<String, java.util.Set<String>> wanted) throws IOException {
    Map<String, Map<String, byte[]>> found = new HashMap<>();
    for (Path log : files) {
      ValueLog.read(log, new ValueLog.Visitor() {
        @Override
        public boolean wantsValue(byte[] userKey) {
          String[] tk = split(userKey);
          return tk != null && wanted.getOrDefault(tk[0], java.util.Set.of()).contains(tk[1]);
        }

        @Override
        public void committed(ValueLog.Write w) {
          String[] tk = split(w.key());
          if (tk == null || w.deleted() || !wanted.getOrDefault(tk[0], java.util.Set.of()).contains(tk[1])) {
            return;
          }
          Value live = table(tk[0]).get(tk[1]);
          if (live != null && live.version() == w.version()) {
            found.computeIfAbsent(tk[0], x -> new HashMap<>()).put(tk[1], w.value());
          }
        }
      });
    }
    return found;
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
    Map<String, Map<String, Value>> tables = new TreeMap<>();
    Map<String, Long> deletedAt = new HashMap<>();
    List<ValueLog.Damage> damage = new ArrayList<>();
    for (Path log : logs) {
      ValueLog.Damage d = ValueLog.read(log, new ValueLog.Visitor() {
        @Override
        public boolean wantsValue(byte[] userKey) {
          return false;
        }

        @Override
        public void committed(ValueLog.Write w) {
          apply(tables, deletedAt, w);
        }
      });
      if (d != null) {
        damage.add(d);
      }
    }
    return new StepCaData(dir, logs, tables, List.copyOf(damage), logs.size());
  }

  private static long fid(Path p) {
    String n = p.getFileName().toString();
    return Long.parseLong(n.substring(0, n.length() - ".vlog".length()));
  }

  /** The newest version wins, whichever log holds it (a rewrite may move an old one forward). */
  private static void apply(Map<String, Map<String, Value>> tables, Map<String, Long> deletedAt, ValueLog.Write w) {
    String[] tk = split(w.key());
    if (tk == null) {
      return;
    }
    String table = tk[0];
    String key = tk[1];
    String id = table + '\0' + key;
    Map<String, Value> t = tables.computeIfAbsent(table, x -> new HashMap<>());
    Value current = t.get(key);
    Long newest = current != null ? Long.valueOf(current.version()) : deletedAt.get(id);
    if (newest != null && Long.compareUnsigned(w.version(), newest) < 0) {
      return;
    }
    if (w.deleted()) {
      t.remove(key);
      if (!table.equals("nonces")) { // every ACME request deletes one: no memory for those
        deletedAt.put(id, w.version());
      }
    } else {
      t.put(key, new Value(w.version()));
      deletedAt.remove(id);
    }
  }

  /** {table, key} of a step-ca badger key, or null for badger's own keys, table markers and others. */
  static String[] split(byte[] k) {
    if (startsWith(k, "!badger!")) {
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

  private static boolean startsWith(byte[] b, String prefix) {
    if (b.length < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (b[i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int u16(byte[] b, int at) {
    return at + 2 > b.length ? -1 : (b[at] & 0xff) | ((b[at + 1] & 0xff) << 8);
  }
}
