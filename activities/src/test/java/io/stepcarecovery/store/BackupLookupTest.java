package io.stepcarecovery.store;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.ActivityErrors;
import io.stepcarecovery.config.ConfigException;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backup name the store does not hold is the person's mistake: refused at once, never retried. */
class BackupLookupTest {
  @TempDir Path tmp;

  @Test
  void anUnknownIdAnEmptyOneAndAnEmptyStoreAreNotRetried() throws Exception {
    Files.createDirectories(tmp.resolve("lab"));
    BackupStore store = new BackupStore(tmp, "lab");
    for (String name : new String[] {"nope", "", "latest"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> BackupLookup.find(store, "lab", name));
      assertTrue(e.getMessage().contains("stepca-recovery backup"), e.getMessage());
      ApplicationFailure f = assertThrows(ApplicationFailure.class,
          () -> ActivityErrors.run(() -> BackupLookup.find(store, "lab", name)));
      assertTrue(f.isNonRetryable(), name + ": " + f.getMessage());
    }
  }

  @Test
  void controlCharactersInTheNameDoNotReachTheTerminal() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> BackupLookup.find(new BackupStore(tmp, "lab"), "lab", "x\u001b[2Jy"));
    assertTrue(e.getMessage().contains("'x?[2Jy'"), e.getMessage());
  }
}
