package io.stepcarecovery.probe;

/**
 * How a CA answers right now, as a client on the shared queue sees it, before a restore or a
 * recovery changes anything. Healthy means it serves: {@code GET /health} is ok and an ACME
 * {@code HEAD new-nonce} is answered (that one writes to its database, which /health does not).
 *
 * @param detail what was asked and answered, for the person who approves (no secrets: URLs and
 *     HTTP statuses only)
 */
public record CurrentHealth(boolean healthy, String detail) {}
