package io.stepcarecovery.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.retention.KeepPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A forgotten backup goes whole, and a forget cut short is finished by the next one. */
class ForgetWholeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  private Path dated(String id, Instant t) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("ca/.work")).getParent();
    Files.writeString(dir.resolve(id + ".tar.gz"), "archive");
    Files.writeString(dir.resolve(id + ".tar.gz.sig"), "sig");
    Files.write(dir.resolve(id + ".json"), JSON.writeValueAsBytes(new StoredBackup(id, "ca", id + ".tar.gz",
        "0".repeat(64), 7, t.toString(), "r", "badgerv2", null, null, List.of(), null, "signer")));
    return dir;
  }

  @Test
  void everyFileOfAForgottenBackupGoesAndAnInterruptedForgetIsFinished() throws Exception {
    Instant now = Instant.now();
    Path dir = dated("a", now.minus(3, ChronoUnit.DAYS));
    dated("b", now.minus(2, ChronoUnit.DAYS));
    dated("c", now.minus(1, ChronoUnit.DAYS));
    // A forget of "a" cut short after its record was moved aside: "a" no longer lists, its archive is still there.
    Path bin = Files.createDirectories(dir.resolve(".work/a.forgetting"));
    Files.move(dir.resolve("a.json"), bin.resolve("a.json"));
    BackupStore store = new BackupStore(tmp, "ca");
    assertEquals(List.of("c", "b"), store.list().stream().map(StoredBackup::backupId).toList());

    assertEquals(List.of("b"), store.prune(KeepPolicy.lastN(1), null));
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(".work", "c.json", "c.tar.gz", "c.tar.gz.sig"),
          left.map(p -> p.getFileName().toString()).sorted().toList(), "b went whole, and a's leftovers too");
    }
    try (Stream<Path> work = Files.list(dir.resolve(".work"))) {
      assertFalse(work.findAny().isPresent(), "nothing is left half-forgotten");
    }
    assertTrue(Files.exists(dir.resolve("c.tar.gz")), "the newest is kept");
  }
}
