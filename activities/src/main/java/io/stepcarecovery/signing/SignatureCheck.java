package io.stepcarecovery.signing;

import io.stepcarecovery.archive.ArchiveReader;
import io.stepcarecovery.archive.UnsafeArchiveException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;

/**
 * One backup's signature, by a trusted key, to be checked over the archive's bytes. The bytes
 * of the signature are read once, when it is chosen, so every check of this archive is against
 * the same signature whatever happens to the file afterwards.
 */
public final class SignatureCheck implements BackupSignature.Check {
  private final byte[] signature;
  private final int index;
  private final PGPPublicKey key;
  private final String signer;
  private final Path sigFile;
  private final String what;

  SignatureCheck(byte[] signature, int index, PGPPublicKey key, String signer, Path sigFile, String what) {
    this.signature = signature;
    this.index = index;
    this.key = key;
    this.signer = signer;
    this.sigFile = sigFile;
    this.what = what;
  }

  /** The primary fingerprint of the key that made the signature. */
  public String signer() {
    return signer;
  }

  private PGPSignature fresh() {
    PGPSignature s = TrustedSigners.parse(signature, sigFile, what).get(index);
    try {
      s.init(OpenPgpKeys.inTheJdk(key) ? new JcaPGPContentVerifierBuilderProvider()
          : new BcPGPContentVerifierBuilderProvider(), key);
    } catch (PGPException | RuntimeException e) {
      throw new UnsafeArchiveException(what + ": its signature " + sigFile + " cannot be checked with key "
          + signer + ": " + e.getMessage());
    }
    return s;
  }

  private UnsafeArchiveException bad(Exception cause) {
    return new UnsafeArchiveException(what + " does not match its signature " + sigFile + " by key " + signer
        + ": the archive or the signature was altered after it was signed; refused, use another backup"
        + (cause == null ? "" : " (" + cause.getMessage() + ")"));
  }

  /** Reads the whole archive and refuses it unless the signature holds over every byte. */
  void verifyWhole(Path archive, LongConsumer progress) {
    try (InputStream in = verifying(Files.newInputStream(archive))) {
      byte[] buf = new byte[1 << 16];
      long read = 0;
      for (int n; (n = in.read(buf)) >= 0; ) {
        read += n;
        progress.accept(read);
      }
    } catch (IOException e) {
      throw new UnsafeArchiveException(what + " cannot be read to check its signature: " + e.getMessage(), e);
    }
  }

  /**
   * What the archive reader reads through {@code inner}: every byte of the file also goes into
   * this signature, and when {@code inner}'s stream ends, the rest of the file (what a layer
   * leaves unread) is read into it too and the signature checked, failing the read before it
   * returns. So the bytes that were checked are exactly the bytes that were used.
   */
  @Override
  public ArchiveReader.Layer around(ArchiveReader.Layer inner) {
    return raw -> {
      Verifying signed = verifying(raw);
      InputStream payload = inner.open(signed);
      return new FilterInputStream(payload) {
        @Override
        public int read() throws IOException {
          int b = in.read();
          if (b < 0) {
            signed.finish();
          }
          return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n = in.read(b, off, len);
          if (n < 0) {
            signed.finish();
          }
          return n;
        }

        @Override
        public long skip(long n) throws IOException {
          byte[] buf = new byte[(int) Math.max(1, Math.min(n, 1 << 16))];
          return Math.max(read(buf, 0, buf.length), 0); // through read: the end is noticed
        }

        @Override
        public boolean markSupported() {
          return false;
        }
      };
    };
  }

  private Verifying verifying(InputStream raw) {
    return new Verifying(raw, fresh());
  }

  /** Feeds every byte read into the signature; {@link #finish} reads the rest and checks it. */
  private final class Verifying extends FilterInputStream {
    private final PGPSignature sig;
    private boolean checked;

    Verifying(InputStream in, PGPSignature sig) {
      super(in);
      this.sig = sig;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b < 0) {
        finish();
      } else {
        sig.update((byte) b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n < 0) {
        finish();
      } else {
        sig.update(b, off, n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      int r = read(new byte[(int) Math.min(n, 1 << 16)]);
      return Math.max(r, 0);
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    void finish() throws IOException {
      if (checked) {
        return;
      }
      byte[] rest = new byte[1 << 16];
      for (int n; (n = in.read(rest)) >= 0; ) {
        sig.update(rest, 0, n);
      }
      checked = true;
      boolean ok;
      try {
        ok = sig.verify();
      } catch (PGPException | RuntimeException e) {
        throw bad(e);
      }
      if (!ok) {
        throw bad(null);
      }
    }
  }
}
