package io.stepcarecovery.drill;

import io.stepcarecovery.checklist.ChecklistItem;
import java.util.List;

/**
 * How the sandbox step-ca started.
 *
 * @param healthy it answered /health before the start timeout
 * @param healthyAtMillis the drill host's clock when it first answered (0: never)
 * @param backend command, systemd or docker
 * @param items "Step-CA running" and "No startup errors" from the sandbox's own log: a start that
 *     failed carries the diagnosis a real recovery would give (wrong password, missing file, ...)
 */
public record SandboxStart(boolean healthy, long healthyAtMillis, String backend, List<ChecklistItem> items) {}
