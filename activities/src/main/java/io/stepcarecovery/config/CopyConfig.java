package io.stepcarecovery.config;

import java.net.URI;
import java.nio.file.Path;

/**
 * One off-host copy of a CA's backups ({@code backups.copies[]}): a map with exactly one of
 * {@code sftp}, {@code s3} or {@code restic}. Each names its store by a URI (never holding a
 * secret): what reports, {@code backups} and {@code restore --from} use.
 */
public record CopyConfig(Sftp sftp, S3 s3, Restic restic) {
  /** The store's URI. */
  public String uri() {
    if (sftp != null) {
      return sftp.uri();
    }
    if (s3 != null) {
      return s3.uri();
    }
    return restic == null ? "unconfigured:" : restic.uri();
  }

  /** "sftp", "s3" or "restic". */
  public String kind() {
    return sftp != null ? "sftp" : s3 != null ? "s3" : "restic";
  }

  /**
   * An OpenSSH server. {@code knownHosts} pins the server's host key (an OpenSSH known_hosts
   * file); a server whose key is not in it is refused, never accepted on first use.
   *
   * @param port default 22
   * @param identityFile the private key (OpenSSH or PEM format, unencrypted)
   * @param path the directory that holds {@code <ca>/} on the server (absolute, or relative to
   *     the login directory; "/" inside a chroot)
   */
  public record Sftp(String host, Integer port, String user, Path identityFile, Path knownHosts, String path) {
    public int portOrDefault() {
      return port == null ? 22 : port;
    }

    public String uri() {
      String p = path == null ? "" : path.startsWith("/") ? path : "/~/" + path;
      return "sftp://" + user + "@" + host + (portOrDefault() == 22 ? "" : ":" + portOrDefault()) + p;
    }
  }

  /**
   * S3 or an S3-compatible server. With an {@code endpoint} (MinIO, s3proxy, Ceph ...) the
   * defaults suit such servers: path-style addressing and checksums only when required.
   *
   * @param endpoint e.g. http://127.0.0.1:9000; null: AWS itself
   * @param region default us-east-1
   * @param prefix key prefix under which {@code <ca>/} lies (may be empty)
   * @param pathStyle default true with an endpoint, false without
   * @param credentialsFile an AWS shared-credentials file ({@code aws_access_key_id},
   *     {@code aws_secret_access_key}); null: the SDK's default chain (environment, profile, role)
   * @param profile the profile in {@code credentialsFile} (default "default")
   * @param checksums {@code when_required} or {@code when_supported}; default when_required with
   *     an endpoint (many S3-compatible servers reject the SDK's trailing checksums), else when_supported
   */
  public record S3(String endpoint, String region, String bucket, String prefix, Boolean pathStyle,
      Path credentialsFile, String profile, String checksums) {
    public String regionOrDefault() {
      return region == null ? "us-east-1" : region;
    }

    public boolean pathStyleOrDefault() {
      return pathStyle != null ? pathStyle : endpoint != null;
    }

    public boolean checksumsWhenRequired() {
      return checksums != null ? checksums.equals("when_required") : endpoint != null;
    }

    /** The prefix without slashes at its ends ("" for none). */
    public String cleanPrefix() {
      String p = prefix == null ? "" : prefix;
      while (p.startsWith("/")) {
        p = p.substring(1);
      }
      while (p.endsWith("/")) {
        p = p.substring(0, p.length() - 1);
      }
      return p;
    }

    public String uri() {
      String where = bucket + (cleanPrefix().isEmpty() ? "" : "/" + cleanPrefix());
      if (endpoint == null) {
        return "s3://" + where;
      }
      String e = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
      return "s3+" + e + "/" + where;
    }
  }

  /**
   * A restic repository (any URL restic takes: a local path, sftp:, s3:, rest:).
   *
   * @param passwordFile the repository's password (restic --password-file)
   * @param environmentFile optional KEY=VALUE lines for restic (e.g. AWS_ACCESS_KEY_ID for s3:)
   */
  public record Restic(String repository, Path passwordFile, Path environmentFile) {
    public String uri() {
      return "restic:" + repository;
    }
  }

  /** Checks one entry; {@code key} is where it stands, e.g. cas[0].backups.copies[1]. */
  void check(Path source, String key) {
    int set = (sftp != null ? 1 : 0) + (s3 != null ? 1 : 0) + (restic != null ? 1 : 0);
    if (set != 1) {
      fail(source, key, "exactly one of sftp, s3 or restic" + (set == 0 ? "" : ", got " + set));
    }
    if (sftp != null) {
      String k = key + ".sftp";
      required(source, k + ".host", sftp.host());
      required(source, k + ".user", sftp.user());
      if (sftp.port() != null && (sftp.port() < 1 || sftp.port() > 65535)) {
        fail(source, k + ".port", "a TCP port from 1 to 65535, got " + sftp.port());
      }
      absolute(source, k + ".identityFile", sftp.identityFile(), "the private key to log in with");
      absolute(source, k + ".knownHosts", sftp.knownHosts(), "a known_hosts file that pins the server's"
          + " host key (e.g. ssh-keyscan -p PORT HOST > FILE, then check it): a server is never accepted"
          + " unpinned");
      required(source, k + ".path", sftp.path());
    }
    if (s3 != null) {
      String k = key + ".s3";
      required(source, k + ".bucket", s3.bucket());
      if (!s3.bucket().matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
        fail(source, k + ".bucket", "an S3 bucket name (3-63 lower-case letters, digits, '.', '-'), got '"
            + s3.bucket() + "'");
      }
      if (s3.endpoint() != null) {
        try {
          URI u = URI.create(s3.endpoint());
          if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
            fail(source, k + ".endpoint", "an http:// or https:// URL, got '" + s3.endpoint() + "'");
          }
        } catch (IllegalArgumentException e) {
          fail(source, k + ".endpoint", "an http:// or https:// URL, got '" + s3.endpoint() + "'");
        }
      }
      if (s3.credentialsFile() != null && !s3.credentialsFile().isAbsolute()) {
        fail(source, k + ".credentialsFile", "an absolute path to an AWS credentials file");
      }
      if (s3.profile() != null && s3.credentialsFile() == null) {
        fail(source, k + ".profile", "to be set only with credentialsFile (the file it is a section of)");
      }
      if (s3.checksums() != null && !s3.checksums().matches("when_required|when_supported")) {
        fail(source, k + ".checksums", "when_required or when_supported, got '" + s3.checksums() + "'");
      }
    }
    if (restic != null) {
      String k = key + ".restic";
      required(source, k + ".repository", restic.repository());
      absolute(source, k + ".passwordFile", restic.passwordFile(), "the repository's password file");
      if (restic.environmentFile() != null && !restic.environmentFile().isAbsolute()) {
        fail(source, k + ".environmentFile", "an absolute path to a file of KEY=VALUE lines");
      }
    }
  }

  private static void required(Path source, String key, String value) {
    if (value == null || value.isBlank()) {
      fail(source, key, "a value");
    }
  }

  private static void absolute(Path source, String key, Path value, String what) {
    if (value == null || !value.isAbsolute()) {
      fail(source, key, "an absolute path: " + what + (value == null ? "" : ", got '" + value + "'"));
    }
  }

  private static void fail(Path source, String key, String expected) {
    throw new ConfigException(source + ": key '" + key + "' is missing or invalid: expected " + expected);
  }
}
