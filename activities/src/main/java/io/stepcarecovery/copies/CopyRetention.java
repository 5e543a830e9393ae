package io.stepcarecovery.copies;

import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.retention.KeepPolicy;
import io.stepcarecovery.retention.Retention;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The retention policy on one off-host store, each store on its own (what one holds, another may
 * not): a restic repository by restic's own {@code forget} with the same rules; a tar.gz store by
 * {@link Retention} on what it lists, then {@link OffsiteStore#delete} of each backup that goes
 * (record first). Never the newest backup it holds, nor the ones in {@code protect}: the one a run
 * just made and the newest that passed a drill (the local store's drill records say which).
 */
public final class CopyRetention {
  private CopyRetention() {}

  /** @return the ids that go (or would go, with {@code dryRun}), newest first */
  public static List<String> forget(OffsiteStore store, KeepPolicy policy, Set<String> protect, boolean dryRun)
      throws IOException {
    if (store instanceof ResticStore restic) {
      // restic keeps the newest snapshot under any policy; the just-made one is the newest.
      return restic.forget(policy, protect, dryRun);
    }
    List<StoredBackup> held = store.list();
    List<Retention.Dated> dated = new ArrayList<>();
    for (StoredBackup b : held) {
      try {
        dated.add(new Retention.Dated(b.backupId(), Instant.parse(b.createdAt())));
      } catch (RuntimeException undated) {
        // not dated readably: never counted, never removed here (as in the local store)
      }
    }
    String newest = dated.stream().max(java.util.Comparator.comparing(Retention.Dated::time))
        .map(Retention.Dated::id).orElse(null);
    List<String> gone = new ArrayList<>();
    for (Retention.Dated d : Retention.apply(dated, policy, java.time.ZoneId.systemDefault()).remove()) {
      if (!d.id().equals(newest) && !protect.contains(d.id())) {
        gone.add(d.id());
      }
    }
    if (!dryRun) {
      for (String id : gone) {
        store.delete(id);
      }
    }
    return gone;
  }
}
