package io.stepcarecovery.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stepcarecovery.archive.Manifest.FileEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Builds real archives with {@link ArchiveWriter} and hostile ones by hand (Commons Compress,
 * bypassing every safety of the writer), plus a deliberately naive {@link ArchiveReader.Sink}
 * that writes wherever an entry says, so that any hole in the reader becomes a file on disk.
 */
final class ArchiveKit {
  static final String STEP = "/srv/stepca-kit/step";
  static final String CA_JSON = STEP + "/config/ca.json";
  static final String MANIFEST = Manifest.entryName(STEP);

  private ArchiveKit() {}

  /** One tar entry as it will be written, byte for byte: nothing normalised. */
  record Ent(String name, byte flag, int mode, String link, byte[] data) {
    String path() {
      return "/" + (name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
    }
  }

  static Ent file(String name, byte[] data) {
    return new Ent(name, TarConstants.LF_NORMAL, 0100600, "", data);
  }

  static Ent file(String name, String text) {
    return file(name, text.getBytes(StandardCharsets.UTF_8));
  }

  static Ent dir(String name) {
    return new Ent(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, 040700, "", new byte[0]);
  }

  static Ent symlink(String name, String target) {
    return new Ent(name, TarConstants.LF_SYMLINK, 0120777, target, new byte[0]);
  }

  static Ent special(String name, byte flag, String link) {
    return new Ent(name, flag, 0600, link, new byte[0]);
  }

  /** A small CA-like tree in snapshot (mirror) layout, archived by the real writer. */
  static Path validArchive(Path dir, int extraFiles) throws IOException {
    Path snap = dir.resolve("snapshot");
    Path step = Snapshotter.mirror(snap, Path.of(STEP));
    write(step.resolve("config/ca.json"), "{\"root\":\"" + STEP + "/certs/root_ca.crt\",\"db\":{\"type\":\"badgerv2\","
        + "\"dataSource\":\"" + STEP + "/db\"}}\n", "rw-------");
    write(step.resolve("config/defaults.json"), "{\"ca-url\":\"https://ca.test:9000\"}\n", "rw-r--r--");
    write(step.resolve("certs/root_ca.crt"), "-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----\n", "rw-r--r--");
    write(step.resolve("certs/intermediate_ca.crt"), "-----BEGIN CERTIFICATE-----\nintermediate\n-----END CERTIFICATE-----\n", "rw-r--r--");
    write(step.resolve("secrets/root_ca_key"), "root key", "rw-------");
    write(step.resolve("secrets/intermediate_ca_key"), "intermediate key", "rw-------");
    Files.createSymbolicLink(step.resolve("certs/root.pem"), Path.of("root_ca.crt"));
    Random r = new Random(7);
    for (int i = 0; i < extraFiles; i++) {
      byte[] data = new byte[200 + r.nextInt(3000)];
      for (int j = 0; j < data.length; j++) {
        data[j] = (byte) ("0123456789abcdef\n".charAt(r.nextInt(17))); // compressible, not trivially
      }
      Path p = step.resolve("db/" + String.format("%06d.sst", i));
      Files.createDirectories(p.getParent());
      Files.write(p, data);
    }
    Files.createDirectories(step.resolve("db"));
    Path target = dir.resolve("valid.tar.gz");
    ArchiveWriter.write(snap, template(), target, b -> {});
    return target;
  }

  static Manifest template() {
    return new Manifest(Manifest.FORMAT, "kit-1", "kit", "https://ca.test:9000", "2025-01-01T00:00:00Z",
        "test", "badgerv2", CA_JSON, STEP, List.of(STEP), "ab".repeat(32), "cd".repeat(32), List.of());
  }

  private static void write(Path p, String text, String perms) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
  }

  /** The entries of an archive, read trustingly (only ever our own valid archives). */
  static List<Ent> entries(Path archive) throws IOException {
    List<Ent> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(archive);
        TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in, true))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        out.add(new Ent(e.getName(), e.getLinkFlag(), e.getMode(), e.getLinkName(), tar.readAllBytes()));
      }
    }
    return out;
  }

  static Manifest manifestOf(List<Ent> ents) throws IOException {
    for (Ent e : ents) {
      if (isManifest(e)) {
        return Manifest.parse(e.data());
      }
    }
    throw new IllegalStateException("no manifest");
  }

  static boolean isManifest(Ent e) {
    return e.name().endsWith("/" + Manifest.DIR + "/" + Manifest.NAME);
  }

  /** Replaces the manifest with one that truthfully lists every other entry, and puts it last. */
  static List<Ent> remanifest(List<Ent> ents) throws IOException {
    return remanifest(ents, manifestOf(ents).roots());
  }

  /** The same, claiming other roots: what a forger who can write to the store would do. */
  static List<Ent> remanifest(List<Ent> ents, List<String> roots) throws IOException {
    Manifest old = manifestOf(ents);
    List<Ent> out = new ArrayList<>();
    List<FileEntry> files = new ArrayList<>();
    for (Ent e : ents) {
      if (isManifest(e)) {
        continue;
      }
      out.add(e);
      String type = e.flag() == TarConstants.LF_DIR ? "dir" : e.flag() == TarConstants.LF_SYMLINK ? "symlink" : "file";
      files.add(new FileEntry(e.path(), type, type.equals("file") ? e.data().length : 0,
          String.format("%04o", e.mode() & 07777), 0, 0, type.equals("file") ? sha256(e.data()) : null,
          type.equals("symlink") ? e.link() : null));
    }
    Manifest m = new Manifest(old.formatVersion(), old.backupId(), old.ca(), old.caUrl(), old.createdAt(),
        old.reason(), old.dbType(), old.caConfig(), old.stepPath(), roots, old.rootFingerprint(),
        old.intermediateFingerprint(), files);
    out.add(manifestEnt(m));
    return out;
  }

  static Ent manifestEnt(Manifest m) {
    return file(Manifest.entryName(m.stepPath()), m.toJson());
  }

  static List<Ent> without(List<Ent> ents, String name) {
    return ents.stream().filter(e -> !e.name().equals(name)).toList();
  }

  /** Inserts before the manifest (last entry). */
  static List<Ent> plus(List<Ent> ents, Ent... more) {
    List<Ent> out = new ArrayList<>(ents.subList(0, ents.size() - 1));
    out.addAll(List.of(more));
    out.add(ents.get(ents.size() - 1));
    return out;
  }

  static byte[] tar(List<Ent> ents) throws IOException {
    return tar(ents, TarArchiveOutputStream.LONGFILE_POSIX);
  }

  static byte[] tar(List<Ent> ents, int longFileMode) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(longFileMode);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      tar.setAddPaxHeadersForNonAsciiNames(true);
      for (Ent e : ents) {
        TarArchiveEntry t = new TarArchiveEntry(e.name(), e.flag(), true); // keeps a leading '/'
        t.setMode(e.mode());
        t.setModTime(1_700_000_000_000L);
        if (!e.link().isEmpty()) {
          t.setLinkName(e.link());
        }
        t.setSize(e.data().length);
        tar.putArchiveEntry(t);
        tar.write(e.data());
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  /** Changes the type flag of the ustar header named {@code name}, fixing its checksum. */
  static byte[] patchType(byte[] tar, String name, byte flag) {
    byte[] want = name.getBytes(StandardCharsets.UTF_8);
    for (int off = 0; off + 512 <= tar.length; off += 512) {
      boolean match = tar[off + want.length] == 0;
      for (int i = 0; match && i < want.length; i++) {
        match = tar[off + i] == want[i];
      }
      if (match) {
        tar[off + 156] = flag;
        java.util.Arrays.fill(tar, off + 148, off + 156, (byte) ' ');
        long sum = 0;
        for (int i = 0; i < 512; i++) {
          sum += tar[off + i] & 0xff;
        }
        byte[] chk = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(chk, 0, tar, off + 148, 6);
        tar[off + 154] = 0;
        tar[off + 155] = ' ';
        return tar;
      }
    }
    throw new IllegalArgumentException("no header named " + name);
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(bytes)) {
      gz.write(data);
    }
    return bytes.toByteArray();
  }

  static Path writeArchive(Path target, List<Ent> ents) throws IOException {
    Files.write(target, gzip(tar(ents)));
    return target;
  }

  static String sha256(byte[] data) {
    return HexFormat.of().formatHex(ArchiveWriter.sha256().digest(data));
  }

  static String sha256(Path file) throws IOException {
    MessageDigest md = ArchiveWriter.sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * Every path under {@code dir} (not following links) with its type, size, mode, link target
   * and content hash, except the subtrees {@code skip}: equal strings mean nothing changed.
   */
  static String treeDigest(Path dir, Path... skip) throws IOException {
    TreeMap<String, String> out = new TreeMap<>();
    List<Path> skipped = List.of(skip);
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.toList()) {
        if (skipped.stream().anyMatch(p::startsWith)) {
          continue;
        }
        String rel = "/" + dir.relativize(p);
        int mode = ((Number) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue();
        String what;
        if (Files.isSymbolicLink(p)) {
          what = "link -> " + Files.readSymbolicLink(p);
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          what = "dir";
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          what = "file " + Files.size(p) + " " + (Files.isReadable(p) ? sha256(p) : "unreadable");
        } else {
          what = "special";
        }
        out.put(rel, String.format("%06o %s", mode, what));
      }
    }
    StringBuilder s = new StringBuilder();
    out.forEach((k, v) -> s.append(k).append(' ').append(v).append('\n'));
    return s.toString();
  }

  /**
   * A sink that does exactly what an entry says, with no checks of its own: paths resolve
   * under {@code base} without normalisation, links are created as given, files are written
   * through whatever is on disk. Only the reader stands between an archive and the disk.
   */
  static ArchiveReader.Sink naiveSink(Path base) {
    return new ArchiveReader.Sink() {
      Path at(String path) {
        return Path.of(base.toString() + path);
      }

      @Override
      public void directory(String path, int mode) throws IOException {
        Files.createDirectories(at(path));
      }

      @Override
      public OutputStream file(String path, int mode) throws IOException {
        Files.createDirectories(at(path).getParent());
        return Files.newOutputStream(at(path));
      }

      @Override
      public void symlink(String path, String target) throws IOException {
        Files.createDirectories(at(path).getParent());
        Files.createSymbolicLink(at(path), Path.of(target));
      }
    };
  }

  /** Runs a command, returning its stdout+stderr; fails on a non-zero exit or after 30 s. */
  static String run(Path cwd, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", cmd) + " hung");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + text);
    return text;
  }
}
