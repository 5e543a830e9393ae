package io.stepcarecovery.copies;

import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.CopyConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * Copies on an OpenSSH (or any SFTP) server, with Apache MINA SSHD: key authentication, the
 * server's host key pinned ({@link PinnedHostKey}). Each file is written under a dot-name
 * ({@code .<name>.part}, which listing ignores), read back, and only then posix-renamed into
 * place; the record goes last, so a backup lists only once it is complete.
 */
public final class SftpStore implements OffsiteStore {
  private static final Duration CONNECT = Duration.ofSeconds(20);
  /** SFTP write/read buffer: bigger than the 32 KiB default, for throughput on a fast link. */
  private static final int BUFFER = 255 * 1024;

  private final String uri;
  private final String ca;
  private final SshClient client;
  private final ClientSession session;
  private final SftpClient sftp;
  private final String dir;

  private SftpStore(String uri, String ca, SshClient client, ClientSession session, SftpClient sftp, String dir) {
    this.uri = uri;
    this.ca = ca;
    this.client = client;
    this.session = session;
    this.sftp = sftp;
    this.dir = dir;
  }

  /** Connects and logs in; refuses a server whose host key the known-hosts file does not pin. */
  public static SftpStore open(String ca, CopyConfig.Sftp c) throws IOException {
    String uri = c.uri();
    if (!Files.isReadable(c.identityFile())) {
      throw new CopyException(uri + ": cannot read the identity file " + c.identityFile()
          + " (sftp.identityFile)");
    }
    if (!Files.isReadable(c.knownHosts())) {
      throw new CopyException(uri + ": cannot read the known-hosts file " + c.knownHosts()
          + " (sftp.knownHosts pins the server's host key)");
    }
    PinnedHostKey pinned = new PinnedHostKey(c.knownHosts(), c.host(), c.portOrDefault());
    SshClient client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(pinned);
    // AES-GCM first: the JDK runs it on the CPU's AES instructions, while MINA's default first
    // choice, chacha20-poly1305, is pure Java and halved the throughput against OpenSSH's sftp.
    List<NamedFactory<Cipher>> ciphers = new ArrayList<>();
    for (BuiltinCiphers cipher : List.of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm, BuiltinCiphers.aes128ctr,
        BuiltinCiphers.aes256ctr, BuiltinCiphers.cc20p1305_openssh)) {
      if (cipher.isSupported()) {
        ciphers.add(cipher);
      }
    }
    client.setCipherFactories(ciphers);
    // No ~/.ssh lookups: only what the config names is used.
    client.setKeyIdentityProvider(s -> List.of());
    client.start();
    ClientSession session = null;
    try {
      session = client.connect(c.user(), c.host(), c.portOrDefault()).verify(CONNECT).getSession();
      for (KeyPair kp : identities(session, c.identityFile())) {
        session.addPublicKeyIdentity(kp);
      }
      try {
        session.auth().verify(CONNECT);
      } catch (SshException e) {
        if (pinned.refusal() != null) {
          throw new CopyException(uri + ": " + pinned.refusal(), e);
        }
        throw new CopyException(uri + ": login as " + c.user() + " with " + c.identityFile() + " refused: "
            + e.getMessage() + " (is its public key in the server's authorized_keys?)", e);
      }
      SftpClient sftp = SftpClientFactory.instance().createSftpClient(session);
      String base = c.path().endsWith("/") && c.path().length() > 1 ? c.path().substring(0, c.path().length() - 1)
          : c.path();
      String dir = (base.equals("/") ? "" : base) + "/" + ca;
      if (!c.path().startsWith("/")) {
        dir = base + "/" + ca; // relative to the login directory
      }
      return new SftpStore(uri, ca, client, session, sftp, dir);
    } catch (IOException | RuntimeException e) {
      String refusal = pinned.refusal();
      closeQuietly(session);
      client.stop();
      if (refusal != null && !(e instanceof CopyException)) {
        throw new CopyException(uri + ": " + refusal, e);
      }
      throw e;
    }
  }

  private static Iterable<KeyPair> identities(ClientSession session, Path identityFile) throws IOException {
    try (InputStream in = Files.newInputStream(identityFile)) {
      Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(session,
          NamedResource.ofName(identityFile.toString()), in, null);
      if (keys == null || !keys.iterator().hasNext()) {
        throw new CopyException("no private key in " + identityFile + " (sftp.identityFile)");
      }
      return keys;
    } catch (java.security.GeneralSecurityException e) {
      throw new CopyException("cannot load the private key " + identityFile + ": " + e.getMessage()
          + " (an unencrypted OpenSSH or PEM key is needed)", e);
    }
  }

  @Override
  public String uri() {
    return uri;
  }

  @Override
  public CopyReport put(LocalBackup backup, LongConsumer progress) throws IOException {
    StoredBackup b = backup.record();
    mkdirs(dir);
    String sha = putFile(backup.archive(), Layout.archiveName(b), b.sha256(), progress);
    if (backup.signature() != null && Files.exists(backup.signature())) {
      putFile(backup.signature(), Layout.signatureName(b), Layout.sha256(backup.signature()), n -> { });
    }
    putFile(backup.recordFile(), Layout.recordName(b.backupId()), Layout.sha256(backup.recordFile()), n -> { });
    return new CopyReport(uri, true, null, sha, null);
  }

  /** Uploads to a dot-name, reads it back, then renames it into place. Returns the read-back SHA-256. */
  private String putFile(Path local, String name, String expectedSha256, LongConsumer progress) throws IOException {
    String tmp = dir + "/." + name + ".part";
    String target = dir + "/" + name;
    long size = Files.size(local);
    try (InputStream in = Files.newInputStream(local);
        OutputStream out = sftp.write(tmp, BUFFER, SftpClient.OpenMode.Write, SftpClient.OpenMode.Create,
            SftpClient.OpenMode.Truncate)) {
      byte[] buf = new byte[BUFFER];
      long sent = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        out.write(buf, 0, n);
        sent += n;
        progress.accept(sent / 2); // half the work: the read-back is the other half
      }
    }
    String got;
    try (InputStream in = sftp.read(tmp, BUFFER)) {
      got = Layout.sha256(in, n -> progress.accept(size / 2 + n / 2));
    }
    if (!got.equals(expectedSha256)) {
      removeQuietly(tmp);
      throw Layout.corrupt(uri, target, got, expectedSha256);
    }
    rename(tmp, target);
    return got;
  }

  /** posix-rename (OpenSSH's extension) replaces an existing file; the SFTP v3 rename would refuse. */
  private void rename(String from, String to) throws IOException {
    OpenSSHPosixRenameExtension posix = sftp.getExtension(OpenSSHPosixRenameExtension.class);
    if (posix != null && posix.isSupported()) {
      posix.posixRename(from, to);
    } else {
      removeQuietly(to);
      sftp.rename(from, to);
    }
  }

  @Override
  public CopyReport verify(String backupId, LongConsumer progress) throws IOException {
    StoredBackup b = listed(backupId);
    String got;
    try (InputStream in = sftp.read(dir + "/" + Layout.archiveName(b), BUFFER)) {
      got = Layout.sha256(in, progress);
    }
    return Layout.readBack(uri, b, got);
  }

  @Override
  public List<StoredBackup> list() throws IOException {
    Map<String, SftpClient.Attributes> files = new HashMap<>();
    try {
      for (SftpClient.DirEntry e : sftp.readDir(dir)) {
        files.put(e.getFilename(), e.getAttributes());
      }
    } catch (SftpException e) {
      if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
        return List.of();
      }
      throw e;
    }
    List<StoredBackup> out = new ArrayList<>();
    for (var f : files.entrySet()) {
      String name = f.getKey();
      if (name.startsWith(".") || !name.endsWith(".json") || !f.getValue().isRegularFile()
          || f.getValue().getSize() > 1 << 20) {
        continue;
      }
      byte[] json;
      try (InputStream in = sftp.read(dir + "/" + name)) {
        json = in.readAllBytes();
      }
      StoredBackup b = Layout.parseRecord(name, json);
      SftpClient.Attributes archive = b == null ? null : files.get(Layout.archiveName(b));
      if (b != null && archive != null && archive.isRegularFile() && archive.getSize() == b.sizeBytes()) {
        out.add(Layout.at(b, uri + "/" + Layout.archiveName(b)));
      }
    }
    return Layout.newestFirst(out);
  }

  @Override
  public StoredBackup fetch(String backupId, Path into, LongConsumer progress) throws IOException {
    StoredBackup b = listed(backupId);
    Files.createDirectories(into);
    Path archive = into.resolve(Layout.archiveName(b));
    download(Layout.archiveName(b), archive, progress);
    Layout.requireRecorded(uri, b, archive);
    if (exists(Layout.signatureName(b))) {
      download(Layout.signatureName(b), into.resolve(Layout.signatureName(b)), n -> { });
    }
    download(Layout.recordName(backupId), into.resolve(Layout.recordName(backupId)), n -> { });
    return Layout.at(b, archive.toString());
  }

  private boolean exists(String name) throws IOException {
    try {
      sftp.stat(dir + "/" + name);
      return true;
    } catch (SftpException e) {
      if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
        return false;
      }
      throw e;
    }
  }

  private void download(String name, Path target, LongConsumer progress) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".part");
    try (InputStream in = sftp.read(dir + "/" + name, BUFFER); OutputStream out = Files.newOutputStream(tmp)) {
      byte[] buf = new byte[BUFFER];
      long total = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        out.write(buf, 0, n);
        total += n;
        progress.accept(total);
      }
    }
    Layout.place(tmp, target);
  }

  @Override
  public void delete(String backupId) throws IOException {
    StoredBackup b = listed(backupId);
    // Record first: an archive without a record never lists.
    sftp.remove(dir + "/" + Layout.recordName(backupId));
    removeQuietly(dir + "/" + Layout.archiveName(b));
    removeQuietly(dir + "/" + Layout.signatureName(b));
  }

  private void mkdirs(String path) throws IOException {
    StringBuilder at = new StringBuilder(path.startsWith("/") ? "" : ".");
    for (String part : path.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      at.append('/').append(part);
      try {
        sftp.stat(at.toString());
      } catch (SftpException e) {
        if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) {
          throw e;
        }
        sftp.mkdir(at.toString());
      }
    }
  }

  private void removeQuietly(String path) {
    try {
      sftp.remove(path);
    } catch (IOException ignored) {
      // not there, or gone with the connection: it never lists either way (a dot-name or no record)
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (Exception ignored) {
      // closing after a failure: the failure is what matters
    }
  }

  @Override
  public void close() {
    closeQuietly(sftp);
    closeQuietly(session);
    client.stop();
  }

  @Override
  public String toString() {
    return uri + " (CA " + ca + ")";
  }
}
