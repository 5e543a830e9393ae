package io.stepcarecovery.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** backups.copies: each kind loads with its defaults and URI; each mistake is named by its key. */
class CopyConfigTest {
  @TempDir Path tmp;

  private static String config(String copies) {
    return """
        cas:
          - name: main
            host: ca1
            caConfig: /etc/step-ca/config/ca.json
            url: https://ca.internal:9000
            rootCert: /etc/step-ca/certs/root_ca.crt
            service: { type: systemd, unit: step-ca }
            backups:
              store: /var/backups/step-ca
              copies:
        """ + copies.indent(8);
  }

  private static final String SFTP = "- sftp: { host: backup.internal, user: stepca, identityFile: /etc/stepca-recovery/id_ed25519,"
      + " knownHosts: /etc/stepca-recovery/known_hosts, path: /srv/backups }";
  private static final String S3 = "- s3: { endpoint: \"http://minio.internal:9000\", bucket: ca-backups, prefix: step/,"
      + " credentialsFile: /etc/stepca-recovery/aws-credentials }";
  private static final String RESTIC = "- restic: { repository: \"sftp:backup.internal:/srv/restic\","
      + " passwordFile: /etc/stepca-recovery/restic.pass }";

  private StepcaRecoveryConfig load(String yaml) throws Exception {
    Path f = tmp.resolve("config.yaml");
    Files.writeString(f, yaml);
    return ConfigLoader.load(f);
  }

  private String error(String yaml) throws Exception {
    Path f = tmp.resolve("config.yaml");
    Files.writeString(f, yaml);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.getMessage().contains(f.toString()), "names the file: " + e.getMessage());
    return e.getMessage();
  }

  @Test
  void eachKindLoadsWithItsUriAndDefaults() throws Exception {
    List<CopyConfig> copies = load(config(SFTP + "\n" + S3 + "\n" + RESTIC)).ca("main").backups().copiesOrEmpty();
    assertEquals(List.of("sftp", "s3", "restic"), copies.stream().map(CopyConfig::kind).toList());
    assertEquals(List.of("sftp://stepca@backup.internal/srv/backups", "s3+http://minio.internal:9000/ca-backups/step",
        "restic:sftp:backup.internal:/srv/restic"), copies.stream().map(CopyConfig::uri).toList());
    assertEquals(22, copies.get(0).sftp().portOrDefault());
    CopyConfig.S3 s3 = copies.get(1).s3();
    // an S3-compatible endpoint: path-style and checksums only when required, as s3proxy/MinIO need
    assertTrue(s3.pathStyleOrDefault());
    assertTrue(s3.checksumsWhenRequired());
    assertEquals("us-east-1", s3.regionOrDefault());
  }

  @Test
  void awsItselfKeepsTheSdkDefaultsUnlessTold() throws Exception {
    CopyConfig.S3 aws = load(config("- s3: { bucket: ca-backups, region: eu-central-1 }")).ca("main").backups()
        .copiesOrEmpty().get(0).s3();
    assertEquals("s3://ca-backups", aws.uri());
    assertFalse(aws.pathStyleOrDefault());
    assertFalse(aws.checksumsWhenRequired());
    CopyConfig.S3 told = load(config("- s3: { bucket: ca-backups, pathStyle: true, checksums: when_required }"))
        .ca("main").backups().copiesOrEmpty().get(0).s3();
    assertTrue(told.pathStyleOrDefault());
    assertTrue(told.checksumsWhenRequired());
  }

  @Test
  void noCopiesIsTheDefault() throws Exception {
    assertEquals(List.of(), load(config("[]")).ca("main").backups().copiesOrEmpty());
  }

  @Test
  void anEntryNamesExactlyOneKind() throws Exception {
    String both = error(config("- sftp: { host: h, user: u, identityFile: /k, knownHosts: /kh, path: /p }\n"
        + "  s3: { bucket: abc }"));
    assertTrue(both.contains("'cas[0].backups.copies[0]'") && both.contains("exactly one of sftp, s3 or restic"), both);
    String none = error(config("- {}"));
    assertTrue(none.contains("exactly one of sftp, s3 or restic"), none);
    String unknown = error(config("- ftp: { host: h }"));
    assertTrue(unknown.contains("unknown key") && unknown.contains("ftp") && unknown.contains("sftp"), unknown);
  }

  @Test
  void sftpWithoutAPinnedHostKeyIsRefused() throws Exception {
    String msg = error(config("- sftp: { host: h, user: u, identityFile: /k, path: /p }"));
    assertTrue(msg.contains("'cas[0].backups.copies[0].sftp.knownHosts'") && msg.contains("pins the server's host key")
        && msg.contains("never accepted unpinned"), msg);
  }

  @Test
  void sftpMistakesAreNamed() throws Exception {
    String relative = error(config("- sftp: { host: h, user: u, identityFile: id_ed25519, knownHosts: /kh, path: /p }"));
    assertTrue(relative.contains("sftp.identityFile") && relative.contains("absolute"), relative);
    String port = error(config("- sftp: { host: h, port: 70000, user: u, identityFile: /k, knownHosts: /kh, path: /p }"));
    assertTrue(port.contains("sftp.port") && port.contains("1 to 65535"), port);
    String user = error(config("- sftp: { host: h, identityFile: /k, knownHosts: /kh, path: /p }"));
    assertTrue(user.contains("sftp.user"), user);
    String path = error(config("- sftp: { host: h, user: u, identityFile: /k, knownHosts: /kh }"));
    assertTrue(path.contains("sftp.path"), path);
  }

  @Test
  void s3MistakesAreNamed() throws Exception {
    String bucket = error(config("- s3: { bucket: Ca_Backups }"));
    assertTrue(bucket.contains("s3.bucket") && bucket.contains("Ca_Backups"), bucket);
    String endpoint = error(config("- s3: { bucket: abc, endpoint: \"minio:9000\" }"));
    assertTrue(endpoint.contains("s3.endpoint") && endpoint.contains("http://"), endpoint);
    String checksums = error(config("- s3: { bucket: abc, checksums: always }"));
    assertTrue(checksums.contains("s3.checksums") && checksums.contains("when_required"), checksums);
    String profile = error(config("- s3: { bucket: abc, profile: backup }"));
    assertTrue(profile.contains("s3.profile") && profile.contains("credentialsFile"), profile);
    String pathStyle = error(config("- s3: { bucket: abc, pathStyle: maybe }"));
    assertTrue(pathStyle.contains("pathStyle") && pathStyle.contains("true or false"), pathStyle);
  }

  @Test
  void resticMistakesAreNamed() throws Exception {
    String password = error(config("- restic: { repository: /srv/restic }"));
    assertTrue(password.contains("restic.passwordFile"), password);
    String repo = error(config("- restic: { passwordFile: /p }"));
    assertTrue(repo.contains("restic.repository"), repo);
  }

  @Test
  void theSameStoreTwiceIsRefused() throws Exception {
    String msg = error(config(S3 + "\n" + S3));
    assertTrue(msg.contains("copies[1]") && msg.contains("given twice"), msg);
  }
}
