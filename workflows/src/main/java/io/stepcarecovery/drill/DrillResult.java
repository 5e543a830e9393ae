package io.stepcarecovery.drill;

import io.stepcarecovery.checklist.ChecklistItem;
import java.util.List;

/**
 * What a drill proved about one backup, as {@code drill --json} prints it.
 *
 * @param ok the backup restored into a sandbox and every check passed
 * @param drillId this drill's id (the sandbox's name on the drill host)
 * @param backupId the backup drilled (resolved from "latest")
 * @param host where the sandbox ran
 * @param backend how the sandbox step-ca was started: command, systemd or docker
 * @param checklist the sandbox's checklist, in the runbook's order
 * @param rtoMillis drill start until the sandbox answered /health (-1: never)
 * @param issuanceMillis drill start until the sandbox issued its first certificate (-1: never)
 * @param summary one line for a person
 */
public record DrillResult(
    boolean ok,
    String ca,
    String drillId,
    String backupId,
    String host,
    String backend,
    List<ChecklistItem> checklist,
    long rtoMillis,
    long issuanceMillis,
    String summary) {}
