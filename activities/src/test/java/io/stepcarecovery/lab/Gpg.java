package io.stepcarecovery.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's GnuPG (the real one, not a fake) in its own home directory: makes keys the way an
 * operator would, exports them, and decrypts backups as {@code gpg --decrypt} does by hand.
 * Tests fail loudly if gpg is missing: {@code .ci/run} installs it.
 */
public final class Gpg implements AutoCloseable {
  private final Path home;

  private Gpg(Path home) {
    this.home = home;
  }

  public static Gpg in(Path home) throws IOException {
    Files.createDirectories(home, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    return new Gpg(home);
  }

  /**
   * A primary signing key with an encryption subkey of {@code encAlgo} (cv25519, rsa3072, ...),
   * protected by {@code passphrase} ("" for none). Returns the primary fingerprint.
   */
  public String newKey(String uid, String primaryAlgo, String encAlgo, String passphrase) {
    gpg(List.of("--passphrase", passphrase, "--quick-gen-key", uid, primaryAlgo, "sign,cert", "never"));
    String fpr = null;
    for (String line : gpg(List.of("--with-colons", "--list-keys", uid)).split("\n")) {
      if (line.startsWith("fpr:")) {
        fpr = line.split(":")[9];
        break;
      }
    }
    if (encAlgo != null) {
      gpg(List.of("--passphrase", passphrase, "--quick-add-key", fpr, encAlgo, "encr", "never"));
    }
    return fpr;
  }

  public Path exportPublic(String fpr, Path to) throws IOException {
    Files.writeString(to, gpg(List.of("--armor", "--export", fpr)));
    return to;
  }

  public Path exportSecret(String fpr, String passphrase, Path to) throws IOException {
    Files.writeString(to, gpg(List.of("--passphrase", passphrase, "--armor", "--export-secret-keys", fpr)));
    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-------"));
    return to;
  }

  /** {@code gpg --output OUT --decrypt IN}, as an operator opens a backup by hand. */
  public void decrypt(Path in, Path out, String passphrase) {
    gpg(List.of("--passphrase", passphrase, "--output", out.toString(), "--decrypt", in.toString()));
  }

  /** {@code gpg --encrypt}, with gpg's own defaults (it compresses). */
  public void encrypt(Path in, Path out, String fpr) {
    gpg(List.of("--trust-model", "always", "--recipient", fpr, "--output", out.toString(), "--encrypt",
        in.toString()));
  }

  public String gpg(List<String> args) {
    List<String> cmd = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--yes",
        "--pinentry-mode", "loopback"));
    cmd.addAll(args);
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
      byte[] out = p.getInputStream().readAllBytes();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("gpg " + args + " failed: " + err);
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("gpg is not installed (apt-get install gnupg; .ci/run does): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      new ProcessBuilder("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent")
          .redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException ignored) {
      // the agent exits on its own when its home directory disappears
    }
  }
}
