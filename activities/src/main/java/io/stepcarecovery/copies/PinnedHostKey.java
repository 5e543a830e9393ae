package io.stepcarecovery.copies;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Accepts a server only when its host key is the one an OpenSSH known_hosts file pins for that
 * host and port (plain or hashed names; {@code [host]:port} for a port other than 22). Never
 * accepts an unknown key, never writes to the file. Remembers why it refused, for the error.
 */
final class PinnedHostKey implements ServerKeyVerifier {
  private final Path knownHosts;
  private final String host;
  private final int port;
  private volatile String refusal;

  PinnedHostKey(Path knownHosts, String host, int port) {
    this.knownHosts = knownHosts;
    this.host = host;
    this.port = port;
  }

  @Override
  public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey serverKey) {
    List<KnownHostEntry> entries;
    try {
      entries = KnownHostEntry.readKnownHostEntries(knownHosts);
    } catch (IOException e) {
      refusal = "cannot read the known-hosts file " + knownHosts + ": " + e.getMessage();
      return false;
    }
    String shown = KeyUtils.getKeyType(serverKey) + " " + KeyUtils.getFingerPrint(serverKey);
    List<String> pinned = new ArrayList<>();
    for (KnownHostEntry e : entries == null ? List.<KnownHostEntry>of() : entries) {
      boolean match = e.getHashedEntry() != null ? e.getHashedEntry().isHostMatch(host, port)
          : e.isHostMatch(host, port);
      if (!match || "@revoked".equals(e.getMarker()) || e.getKeyEntry() == null) {
        continue;
      }
      try {
        PublicKey key = e.getKeyEntry().resolvePublicKey(session, PublicKeyEntryResolver.IGNORING);
        if (key == null) {
          continue;
        }
        if (KeyUtils.compareKeys(key, serverKey)) {
          return true;
        }
        pinned.add(KeyUtils.getKeyType(key) + " " + KeyUtils.getFingerPrint(key));
      } catch (IOException | java.security.GeneralSecurityException ignored) {
        // an entry we cannot read pins nothing
      }
    }
    String at = port == 22 ? host : "[" + host + "]:" + port;
    String seen = remote instanceof InetSocketAddress a ? " (" + a.getAddress().getHostAddress() + ")" : "";
    refusal = pinned.isEmpty()
        ? "host key of " + at + seen + " is not pinned in " + knownHosts + ": the server offered " + shown
            + "; refused (check it out of band, then add it: ssh-keyscan -p " + port + " " + host + " >> "
            + knownHosts + ")"
        : "HOST KEY MISMATCH for " + at + seen + ": the server offered " + shown + " but " + knownHosts
            + " pins " + String.join(", ", pinned) + "; refused (someone may be intercepting, or the"
            + " server's key changed: check out of band before changing the file)";
    return false;
  }

  /** Why the last connection was refused, or null. */
  String refusal() {
    return refusal;
  }
}
