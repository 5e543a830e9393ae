package io.stepcarecovery.copies;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.CopyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Upload throughput of the off-host copies against lab/up --offsite's servers: our SFTP and S3
 * puts of one file (the upload phase timed apart from the read-back, which the reference tools
 * do not do), and, for S3, the SDK's textbook multipart upload (8 MiB parts) of the same file. The shell script times `sftp put`.
 * Usage: CopySpeed LAB_DIR FILE ROUNDS
 */
public final class CopySpeed {
  public static void main(String[] a) throws Exception {
    Path lab = Path.of(a[0]);
    Path file = Path.of(a[1]);
    int rounds = Integer.parseInt(a[2]);
    java.util.Map<String, String> env = env(lab.resolve("offsite/offsite.env"));
    long size = Files.size(file);
    String id = "20260101T000000Z-bnch";
    Path dir = Files.createDirectories(file.resolveSibling("local"));
    Path archive = dir.resolve(id + ".tar.gz");
    Files.deleteIfExists(archive);
    Files.createLink(archive, file);
    StoredBackup record = new StoredBackup(id, "bench", id + ".tar.gz", Layout.sha256(archive), size,
        Instant.now().toString(), "bench", "badgerv2", "r", "i", List.of("/x"), null);
    Path recordFile = dir.resolve(id + ".json");
    new ObjectMapper().writeValue(recordFile.toFile(), record);
    LocalBackup backup = new LocalBackup(Layout.at(record, archive.toString()), archive, null, recordFile, null, null);

    CopyConfig.Sftp sftp = new CopyConfig.Sftp("127.0.0.1", Integer.parseInt(env.get("SFTP_PORT")),
        env.get("SFTP_USER"), Path.of(env.get("SFTP_KEY")), Path.of(env.get("SFTP_KNOWN_HOSTS")), env.get("SFTP_PATH"));
    CopyConfig.S3 s3 = new CopyConfig.S3(env.get("S3_ENDPOINT"), null, env.get("S3_BUCKET"), "bench", null,
        Path.of(env.get("S3_CREDENTIALS")), null, null);
    for (int round = 1; round <= rounds; round++) {
      try (OffsiteStore s = SftpStore.open("bench", sftp)) {
        timed("sftp (ours)", s, backup, size);
      }
      sftpPut(env, file, size); // right after ours: the same load on a shared machine
      try (OffsiteStore s = S3Store.open("bench", s3)) {
        timed("s3 (ours)", s, backup, size);
      }
      // The reference: the SDK's textbook multipart upload (create, uploadPart of 8 MiB
      // ByteBuffers read from the file, complete) on the same client settings. (The async
      // client's built-in multipart sends a header s3proxy answers 501 to.)
      try (S3Client sdk = S3Store.client(s3); FileChannel in = FileChannel.open(file)) {
        String key = "bench/sdk/" + id + ".tar.gz";
        long t0 = System.nanoTime();
        String upload = sdk.createMultipartUpload(r -> r.bucket(s3.bucket()).key(key)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocate(8 << 20);
        for (int part = 1; in.position() < size; part++) {
          buf.clear();
          while (buf.hasRemaining() && in.read(buf) > 0) {
            // fill the part
          }
          buf.flip();
          int number = part;
          String etag = sdk.uploadPart(r -> r.bucket(s3.bucket()).key(key).uploadId(upload).partNumber(number),
              RequestBody.fromByteBuffer(buf)).eTag();
          parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }
        sdk.completeMultipartUpload(r -> r.bucket(s3.bucket()).key(key).uploadId(upload)
            .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
        report("s3 (SDK multipart loop, upload only)", size, System.nanoTime() - t0);
        sdk.deleteObject(r -> r.bucket(s3.bucket()).key(key));
      }
    }
  }

  private static void timed(String what, OffsiteStore store, LocalBackup backup, long size) throws Exception {
    long t0 = System.nanoTime();
    AtomicLong uploaded = new AtomicLong();
    CopyReport r = store.put(backup, n -> {
      if (n >= size / 2 && uploaded.get() == 0) {
        uploaded.set(System.nanoTime()); // progress reaches size/2 when the last byte went up
      }
    });
    long t1 = System.nanoTime();
    if (!r.verified()) {
      throw new IllegalStateException(r.toString());
    }
    report(what + ", upload only", size, uploaded.get() - t0);
    report(what + ", upload + read-back", size, t1 - t0);
    store.delete(backup.backupId());
  }

  /** OpenSSH's sftp put of the same file, same key, pinned host key. */
  private static void sftpPut(java.util.Map<String, String> env, Path file, long size) throws Exception {
    Path batch = Files.writeString(file.resolveSibling("put.batch"), "put " + file + " " + env.get("SFTP_PATH")
        + "/ref.bin\n");
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder("sftp", "-q", "-b", batch.toString(), "-i", env.get("SFTP_KEY"),
        "-o", "UserKnownHostsFile=" + env.get("SFTP_KNOWN_HOSTS"), "-o", "StrictHostKeyChecking=yes",
        "-o", "BatchMode=yes", "-P", env.get("SFTP_PORT"), env.get("SFTP_USER") + "@127.0.0.1")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("sftp put exited " + p.exitValue());
    }
    report("sftp put (OpenSSH)", size, System.nanoTime() - t0);
    Files.deleteIfExists(Path.of(env.get("SFTP_PATH"), "ref.bin"));
  }

  /** offsite.env's KEY=value lines (lab paths need no shell unquoting). */
  private static java.util.Map<String, String> env(Path file) throws Exception {
    java.util.Map<String, String> env = new java.util.HashMap<>();
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return env;
  }

  private static void report(String what, long bytes, long nanos) {
    System.out.printf("%-40s %6.1f MB/s  (%d MB in %.1f s)%n", what, bytes / 1e6 / (nanos / 1e9), bytes / 1_000_000,
        nanos / 1e9);
  }
}
