package io.stepcarecovery.losses;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Which keys a database holds, by the last write of each: a 64-bit digest of the badger key (the
 * first 8 bytes of its SHA-256, so crafted keys cannot collide or pile up in one probe chain)
 * mapped to its version and whether that write deleted it, in two primitive arrays (open
 * addressing): about 32 bytes a key, where strings and boxed maps took ten times that. Two keys
 * with the same digest (odds about 1 in 10^7 at a million keys) would count as one.
 */
final class KeyIndex {
  private static final long EMPTY = 0;
  private long[] digests = new long[1 << 12];
  private long[] states = new long[1 << 12];
  private boolean[] live = new boolean[1 << 12];
  private int size;
  private final MessageDigest sha;

  KeyIndex() {
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  long digest(byte[] key) {
    byte[] d = sha.digest(key);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (d[i] & 0xff);
    }
    return v == EMPTY ? 1 : v;
  }

  /** Records a write unless a newer one of the same key is already recorded. */
  void apply(long digest, long version, boolean deleted) {
    int slot = slot(digest);
    if (digests[slot] == digest) {
      if (Long.compareUnsigned(version, versionAt(slot)) < 0) {
        return;
      }
    } else {
      digests[slot] = digest;
      size++;
    }
    states[slot] = version;
    live[slot] = !deleted;
    if (size * 2 > digests.length) {
      grow();
    }
  }

  /** Whether the key's last write set it (not deleted, not unknown). */
  boolean isLive(long digest) {
    int slot = slot(digest);
    return digests[slot] == digest && live[slot];
  }

  /** The version of the key's last write; only meaningful where {@link #contains} says so. */
  long version(long digest) {
    return versionAt(slot(digest));
  }

  boolean contains(long digest) {
    return digests[slot(digest)] == digest;
  }

  /** The digests of keys live here and not live in {@code other}. */
  KeyIndex liveNotIn(KeyIndex other) {
    KeyIndex out = new KeyIndex();
    for (int i = 0; i < digests.length; i++) {
      if (digests[i] != EMPTY && live[i] && !other.isLive(digests[i])) {
        out.apply(digests[i], states[i], false);
      }
    }
    return out;
  }

  int size() {
    return size;
  }

  private long versionAt(int slot) {
    return states[slot];
  }

  private int slot(long digest) {
    int mask = digests.length - 1;
    int i = (int) (digest ^ (digest >>> 32)) & mask;
    while (digests[i] != EMPTY && digests[i] != digest) {
      i = (i + 1) & mask;
    }
    return i;
  }

  private void grow() {
    long[] oldDigests = digests;
    long[] oldStates = states;
    boolean[] oldLive = live;
    digests = new long[oldDigests.length * 2];
    states = new long[oldDigests.length * 2];
    live = new boolean[oldDigests.length * 2];
    for (int i = 0; i < oldDigests.length; i++) {
      if (oldDigests[i] != EMPTY) {
        int s = slot(oldDigests[i]);
        digests[s] = oldDigests[i];
        states[s] = oldStates[i];
        live[s] = oldLive[i];
      }
    }
  }
}
