package io.stepcarecovery.recovery;

import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.ingress.AcmeAccountOutcome;
import io.stepcarecovery.restore.Losses;
import java.util.List;

/**
 * The runbook's validation checklist after a recovery, with what was restored.
 *
 * @param acmeAccounts every ACME account of the configured ingresses' acme.json: what the
 *     restored CA said about it and what the recovery did (cleared, new certificate served)
 * @param losses what the recovery undid (everything recorded after the backup) and what to do
 * @param source where the backup came from: "local", or the off-host copy's URI
 */
public record RecoveryResult(
    boolean ok,
    String ca,
    String backupId,
    String archive,
    boolean rolledBack,
    List<String> movedAside,
    List<String> restoredPaths,
    long caDowntimeMillis,
    String message,
    List<ChecklistItem> checklist,
    List<AcmeAccountOutcome> acmeAccounts,
    Losses losses,
    String source) {}
