package io.stepcarecovery.copies;

import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.CopyConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Copies in S3 or an S3-compatible object store, with the AWS SDK for Java v2. The archive goes
 * up as a multipart upload (aborted on any failure: its parts never become an object), is read
 * back in full, and only then is the record put: a backup lists only when its record exists and
 * its archive has the record's size.
 */
public final class S3Store implements OffsiteStore {
  /** Part size: S3's minimum is 5 MiB; 16 MiB keeps 500 MB at 32 requests. */
  static final int PART = 16 << 20;

  private final String uri;
  private final String bucket;
  private final String prefix;
  private final S3Client s3;

  private S3Store(String uri, String bucket, String prefix, S3Client s3) {
    this.uri = uri;
    this.bucket = bucket;
    this.prefix = prefix;
    this.s3 = s3;
  }

  public static S3Store open(String ca, CopyConfig.S3 c) {
    return new S3Store(c.uri(), c.bucket(), (c.cleanPrefix().isEmpty() ? "" : c.cleanPrefix() + "/") + ca + "/",
        client(c));
  }

  /** The client the config describes; S3-compatible endpoints get their defaults (see {@link CopyConfig.S3}). */
  public static S3Client client(CopyConfig.S3 c) {
    S3ClientBuilder b = S3Client.builder()
        .region(Region.of(c.regionOrDefault()))
        .forcePathStyle(c.pathStyleOrDefault())
        .credentialsProvider(credentials(c));
    if (c.endpoint() != null) {
      b.endpointOverride(URI.create(c.endpoint()));
    }
    if (c.checksumsWhenRequired()) {
      // Many S3-compatible servers reject the SDK's default trailing checksums (x-amz-trailer).
      b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }
    return b.build();
  }

  static AwsCredentialsProvider credentials(CopyConfig.S3 c) {
    if (c.credentialsFile() == null) {
      return DefaultCredentialsProvider.builder().build();
    }
    if (!Files.isReadable(c.credentialsFile())) {
      throw new CopyException(c.uri() + ": cannot read the credentials file " + c.credentialsFile()
          + " (s3.credentialsFile)");
    }
    return ProfileCredentialsProvider.builder()
        .profileFile(ProfileFile.builder().content(c.credentialsFile()).type(ProfileFile.Type.CREDENTIALS).build())
        .profileName(c.profile() == null ? "default" : c.profile())
        .build();
  }

  @Override
  public String uri() {
    return uri;
  }

  @Override
  public CopyReport put(LocalBackup backup, LongConsumer progress) throws IOException {
    StoredBackup b = backup.record();
    String sha = putObject(backup.archive(), Layout.archiveName(b), b.sha256(), progress);
    if (backup.signature() != null && Files.exists(backup.signature())) {
      putObject(backup.signature(), Layout.signatureName(b), Layout.sha256(backup.signature()), n -> { });
    }
    putObject(backup.recordFile(), Layout.recordName(b.backupId()), Layout.sha256(backup.recordFile()), n -> { });
    return new CopyReport(uri, true, null, sha, null);
  }

  /** Uploads, reads back every byte, removes it if it differs. Returns the read-back SHA-256. */
  private String putObject(Path local, String name, String expectedSha256, LongConsumer progress) throws IOException {
    String key = prefix + name;
    long size = Files.size(local);
    try {
      if (size <= PART) {
        s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromFile(local));
        progress.accept(size / 2);
      } else {
        multipart(local, key, size, progress);
      }
      String got;
      try (InputStream in = s3.getObject(r -> r.bucket(bucket).key(key))) {
        got = Layout.sha256(in, n -> progress.accept(size / 2 + n / 2));
      }
      if (!got.equals(expectedSha256)) {
        s3.deleteObject(r -> r.bucket(bucket).key(key));
        throw Layout.corrupt(uri, key, got, expectedSha256);
      }
      return got;
    } catch (SdkException e) {
      throw new IOException(uri + ": " + key + ": " + e.getMessage(), e);
    }
  }

  private void multipart(Path local, String key, long size, LongConsumer progress) throws IOException {
    String uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
    boolean completed = false;
    try (InputStream in = Files.newInputStream(local)) {
      List<CompletedPart> parts = new ArrayList<>();
      byte[] buf = new byte[PART];
      long sent = 0;
      for (int number = 1; sent < size; number++) {
        int n = in.readNBytes(buf, 0, (int) Math.min(PART, size - sent));
        if (n <= 0) {
          throw new IOException(local + " shrank while it was uploaded");
        }
        int part = number;
        long before = sent;
        // Progress (heartbeats) while the part goes out, not only after it: a 16 MiB part on a
        // slow uplink can outlast the heartbeat timeout.
        InputStream body = new java.io.FilterInputStream(new java.io.ByteArrayInputStream(buf, 0, n)) {
          private long read;

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int got = super.read(b, off, len);
            if (got > 0) {
              read += got;
              progress.accept((before + read) / 2);
            }
            return got;
          }
        };
        String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(part)
            .contentLength((long) n), RequestBody.fromInputStream(body, n)).eTag();
        parts.add(CompletedPart.builder().partNumber(part).eTag(etag).build());
        sent += n;
        progress.accept(sent / 2);
      }
      s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
          .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
      completed = true;
    } finally {
      if (!completed) {
        try {
          s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException ignored) {
          // the server is gone too: the parts never form an object, and never list
        }
      }
    }
  }

  @Override
  public CopyReport verify(String backupId, LongConsumer progress) throws IOException {
    StoredBackup b = listed(backupId);
    String got;
    try (InputStream in = s3.getObject(r -> r.bucket(bucket).key(prefix + Layout.archiveName(b)))) {
      got = Layout.sha256(in, progress);
    } catch (SdkException e) {
      throw new IOException(uri + ": " + e.getMessage(), e);
    }
    return Layout.readBack(uri, b, got);
  }

  @Override
  public List<StoredBackup> list() throws IOException {
    try {
      Map<String, Long> sizes = new HashMap<>();
      for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
        String name = o.key().substring(prefix.length());
        if (!name.contains("/")) {
          sizes.put(name, o.size());
        }
      }
      List<StoredBackup> out = new ArrayList<>();
      for (var e : sizes.entrySet()) {
        if (!e.getKey().endsWith(".json") || e.getValue() > 1 << 20) {
          continue;
        }
        byte[] json;
        try {
          json = s3.getObjectAsBytes(r -> r.bucket(bucket).key(prefix + e.getKey())).asByteArray();
        } catch (NoSuchKeyException gone) {
          continue; // deleted while listing
        }
        StoredBackup b = Layout.parseRecord(e.getKey(), json);
        Long archive = b == null ? null : sizes.get(Layout.archiveName(b));
        if (archive != null && archive == b.sizeBytes()) {
          out.add(Layout.at(b, uri + "/" + b.ca() + "/" + Layout.archiveName(b)));
        }
      }
      return Layout.newestFirst(out);
    } catch (SdkException e) {
      throw new IOException(uri + ": cannot list: " + e.getMessage(), e);
    }
  }

  @Override
  public StoredBackup fetch(String backupId, Path into, LongConsumer progress) throws IOException {
    StoredBackup b = listed(backupId);
    Files.createDirectories(into);
    Path archive = into.resolve(Layout.archiveName(b));
    download(Layout.archiveName(b), archive, progress);
    Layout.requireRecorded(uri, b, archive);
    try {
      download(Layout.signatureName(b), into.resolve(Layout.signatureName(b)), n -> { });
    } catch (NoSuchKeyException unsigned) {
      // no signature: an unsigned backup
    }
    download(Layout.recordName(backupId), into.resolve(Layout.recordName(backupId)), n -> { });
    return Layout.at(b, archive.toString());
  }

  private void download(String name, Path target, LongConsumer progress) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".part");
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(bucket).key(prefix + name));
        OutputStream out = Files.newOutputStream(tmp)) {
      byte[] buf = new byte[1 << 17];
      long total = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        out.write(buf, 0, n);
        total += n;
        progress.accept(total);
      }
    } catch (NoSuchKeyException e) {
      Files.deleteIfExists(tmp);
      throw e;
    } catch (SdkException e) {
      throw new IOException(uri + ": " + name + ": " + e.getMessage(), e);
    }
    Layout.place(tmp, target);
  }

  @Override
  public void delete(String backupId) throws IOException {
    StoredBackup b = listed(backupId);
    try {
      // Record first: an archive without a record never lists.
      s3.deleteObject(r -> r.bucket(bucket).key(prefix + Layout.recordName(backupId)));
      s3.deleteObject(r -> r.bucket(bucket).key(prefix + Layout.archiveName(b)));
      s3.deleteObject(r -> r.bucket(bucket).key(prefix + Layout.signatureName(b)));
    } catch (SdkException e) {
      throw new IOException(uri + ": cannot delete " + backupId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    s3.close();
  }
}
