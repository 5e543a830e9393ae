package io.stepcarecovery.encryption;

import io.stepcarecovery.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;

/**
 * An OpenPGP private key file as {@code gpg --export-secret-keys} writes it (armored or binary),
 * read for one config key (backups.decryptKey, backups.signWith): the secret key rings it holds,
 * or one clear error naming the key and the file, never their content.
 */
public final class SecretKeyFile {
  private SecretKeyFile() {}

  /**
   * @param configKey the config key that names the file, for messages
   * @param publicOnly what to say when the file holds only a public key
   * @param missing what to say when the file is not on this host
   */
  public static List<PGPSecretKeyRing> read(Path file, String configKey, String publicOnly, String missing) {
    List<PGPSecretKeyRing> rings = new ArrayList<>();
    try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(file))) {
      BcPGPObjectFactory objects = new BcPGPObjectFactory(in);
      for (Object o; (o = objects.nextObject()) != null; ) {
        if (o instanceof PGPSecretKeyRing ring) {
          rings.add(ring);
        } else if (o instanceof PGPPublicKeyRing) {
          throw new ConfigException(configKey + " " + file + " holds only a public key: " + publicOnly);
        } else if (!(o instanceof PGPMarker)) {
          throw new ConfigException(configKey + " " + file + " is not an OpenPGP private key");
        }
      }
    } catch (NoSuchFileException e) {
      throw new ConfigException(configKey + " " + file + " does not exist on this host: " + missing);
    } catch (IOException e) {
      throw new ConfigException(configKey + " " + file + " is not a readable OpenPGP private key: "
          + e.getMessage());
    }
    return rings;
  }
}
