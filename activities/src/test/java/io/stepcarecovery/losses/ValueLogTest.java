package io.stepcarecovery.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The value-log reader on files real step-ca never writes: damaged, truncated, hostile. */
class ValueLogTest {
  @TempDir Path dir;

  private StepCaData db(byte[]... logs) throws Exception {
    Path d = Files.createDirectories(dir.resolve("db" + System.nanoTime()));
    Files.write(d.resolve("MANIFEST"), new byte[16]);
    for (int i = 0; i < logs.length; i++) {
      Files.write(d.resolve(String.format("%06d.vlog", i)), logs[i]);
    }
    return StepCaData.read(BadgerDir.find(d));
  }

  @Test
  void committedWritesCountTheNewestWinsAndADeleteRemoves() throws Exception {
    byte[] log = new VlogBytes()
        .txn(1, "x509_certs", "11", "a")
        .txn(2, "x509_certs", "22", "b", "acme_orders", "o1", "x")
        .txn(3, "x509_certs", "11", "a2", "acme_orders", "o1", null)
        .bytes();
    StepCaData data = db(log);
    assertEquals(Set.of("11", "22"), data.liveKeys("x509_certs"));
    java.util.Map<String, String> values = new java.util.HashMap<>();
    data.visit(data.index(), t -> true, (t, k, v) -> values.put(t + "/" + k, new String(v)));
    assertEquals(java.util.Map.of("x509_certs/11", "a2", "x509_certs/22", "b"), values,
        "each live key's newest value, read again; the deleted order gone");
    assertTrue(data.liveKeys("acme_orders").isEmpty());
    assertTrue(data.damage().isEmpty());
  }

  @Test
  void aTransactionWithoutItsEndIsNotCountedAndIsReported() throws Exception {
    byte[] whole = new VlogBytes().txn(1, "x509_certs", "11", "a").txn(2, "x509_certs", "22", "b").bytes();
    byte[] lastEntryCut = new VlogBytes().txn(1, "x509_certs", "11", "a")
        .entry(VlogBytes.TXN, VlogBytes.key("x509_certs", "22"), 2, "b".getBytes()).bytes();
    StepCaData data = db(lastEntryCut);
    assertEquals(Set.of("11"), data.liveKeys("x509_certs"));
    assertEquals(1, data.damage().size());
    assertTrue(data.damage().get(0).reason().contains("transaction 2 has no end"), data.damage().get(0).reason());
    assertTrue(whole.length > lastEntryCut.length);
  }

  @Test
  void aTruncatedFileKeepsWhatPrecedesAndSaysWhere() throws Exception {
    byte[] whole = new VlogBytes().txn(1, "x509_certs", "11", "a").txn(2, "x509_certs", "22", "bbbbbbbb").bytes();
    byte[] cut = Arrays.copyOf(whole, whole.length - 20);
    StepCaData data = db(cut);
    assertEquals(Set.of("11"), data.liveKeys("x509_certs"));
    ValueLog.Damage d = data.damage().get(0);
    assertTrue(d.describe().startsWith("000000.vlog at byte "), d.describe());
    assertTrue(d.reason().contains("past the end") || d.reason().contains("truncated"), d.reason());
  }

  @Test
  void aFlippedByteFailsTheChecksum() throws Exception {
    byte[] log = new VlogBytes().txn(1, "x509_certs", "11", "a").txn(2, "x509_certs", "22", "bbbbbbbb").bytes();
    int firstTxnEnd = new VlogBytes().txn(1, "x509_certs", "11", "a").bytes().length;
    log[firstTxnEnd + 20] ^= 0x01; // inside the second transaction's first key
    StepCaData data = db(log);
    assertEquals(Set.of("11"), data.liveKeys("x509_certs"));
    assertEquals(firstTxnEnd, data.damage().get(0).offset());
    assertTrue(data.damage().get(0).reason().contains("checksum"), data.damage().get(0).reason());
  }

  @Test
  void hostileLengthsAreBoundedNotAllocated() throws Exception {
    byte[] header = new byte[20];
    // meta, userMeta, klen = 2^62 (uvarint), vlen, expiresAt
    byte[] entry = {0, 0, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
        (byte) 0x80, (byte) 0x80, 0x40, 1, 0};
    byte[] log = new byte[header.length + entry.length + 64];
    System.arraycopy(entry, 0, log, 20, entry.length);
    StepCaData data = db(log);
    assertTrue(data.damage().get(0).reason().contains("key length"), data.damage().get(0).reason());

    byte[] hugeValue = {0, 0, 12, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0};
    log = new byte[20 + hugeValue.length + 64];
    System.arraycopy(hugeValue, 0, log, 20, hugeValue.length);
    data = db(log);
    assertTrue(data.damage().get(0).reason().contains("value length"), data.damage().get(0).reason());
  }

  @Test
  void anEncryptedOrHeaderlessLogIsReportedNotGuessed() throws Exception {
    byte[] encrypted = new VlogBytes().txn(1, "x509_certs", "11", "a").bytes();
    encrypted[7] = 3;
    assertTrue(db(encrypted).damage().get(0).reason().contains("encrypted"));
    assertTrue(db(new byte[7]).damage().get(0).reason().contains("shorter"));
  }

  @Test
  void randomDamageNeverThrows() throws Exception {
    byte[] good = new VlogBytes().txn(1, "x509_certs", "11", "a").txn(2, "acme_accounts", "acc", "{}")
        .txn(3, "revoked_x509_certs", "11", "{\"ReasonCode\":1}").bytes();
    Random r = new Random(13);
    for (int i = 0; i < 300; i++) {
      byte[] bad = Arrays.copyOf(good, r.nextInt(good.length + 1));
      for (int j = 0; j < 3 && bad.length > 20; j++) {
        bad[20 + r.nextInt(bad.length - 20)] = (byte) r.nextInt(256);
      }
      StepCaData data = db(bad);
      assertTrue(data.liveKeys("x509_certs").size() <= 1);
    }
  }

  @Test
  void theComparisonListsWhatThePreviousDataHasAndTheCurrentLacks() throws Exception {
    byte[] backup = new VlogBytes().txn(1, "x509_certs", "11", "der").bytes();
    byte[] previous = new VlogBytes().txn(1, "x509_certs", "11", "der")
        .txn(2, "x509_certs", "255", "der", "x509_certs_data", "255", "{\"provisioner\":{\"name\":\"admin\"}}")
        .txn(3, "revoked_x509_certs", "11", "{\"Serial\":\"11\",\"ReasonCode\":1,\"Reason\":\"key compromise\","
            + "\"RevokedAt\":\"2026-01-01T00:00:00Z\"}")
        .txn(4, "acme_accounts", "acc1", "{\"id\":\"acc1\",\"status\":\"valid\",\"contact\":[\"mailto:a@b\"]}",
            "acme_orders", "o1", "{}")
        .bytes();
    LostRecords lost = LostRecords.compare(db(previous), db(backup));
    assertEquals(1, lost.certificates().size());
    assertEquals("255", lost.certificates().get(0).serial());
    assertEquals("FF", lost.certificates().get(0).serialHex());
    assertNull(lost.certificates().get(0).subject()); // "der" is no certificate: listed anyway
    assertEquals("admin", lost.certificates().get(0).provisioner());
    assertEquals("key compromise", lost.revocations().get(0).reason());
    assertEquals(1, lost.revocations().get(0).reasonCode());
    assertEquals("acc1", lost.acmeAccounts().get(0).id());
    assertEquals(java.util.List.of("mailto:a@b"), lost.acmeAccounts().get(0).contact());
    assertEquals(java.util.Map.of("acme_orders", 1), lost.otherTables());
    assertTrue(LostRecords.compare(db(backup), db(previous)).empty());
  }
}
