package io.stepcarecovery.drill;

import io.stepcarecovery.checklist.ChecklistItem;
import java.util.List;

/**
 * The checks of a healthy sandbox, made on the drill host against its loopback address.
 *
 * @param items root fingerprint, intermediate, test issuance, ACME directory
 * @param issuedAtMillis the drill host's clock when the sandbox's first certificate was received
 *     (0: none issued)
 */
public record SandboxCheck(List<ChecklistItem> items, long issuedAtMillis) {}
