package io.stepcarecovery.checklist;

/**
 * One line of the runbook's validation checklist, checked for real.
 *
 * @param group Service Status, Trust or Platform (the runbook's grouping)
 * @param status passed, failed, skipped, or partial: the check ran without finding a problem but
 *     could not test all it names (e.g. ACME without a challenge address: directory, account and
 *     order, no certificate). A partial item is not a failure and never counted as passed.
 * @param detail what was observed (a measurement, an answer), never a secret
 * @param diagnosis for a failed item: the likely cause (the runbook's failure-mode table); for a
 *     partial item: what was not tested
 * @param action for a failed item: what to do about it; for a partial item: how to test it all
 * @param service the service URL an item about a served certificate is about, else null
 * @param expiresAt when that certificate expires (ISO-8601), else null: the TLS countdown
 *     ({@link Countdown}) is read from it
 */
public record ChecklistItem(String group, String item, String status, String detail, String diagnosis,
    String action, String service, String expiresAt) {
  public static final String SERVICE_STATUS = "Service Status";
  public static final String TRUST = "Trust";
  public static final String PLATFORM = "Platform";

  public static final String PASSED = "passed";
  public static final String FAILED = "failed";
  public static final String SKIPPED = "skipped";
  public static final String PARTIAL = "partial";

  /** An item about no served certificate (and those recorded before items carried one). */
  public ChecklistItem(String group, String item, String status, String detail, String diagnosis, String action) {
    this(group, item, status, detail, diagnosis, action, null, null);
  }

  /** This item, saying that {@code serviceUrl} serves a certificate valid until {@code notAfter}. */
  public ChecklistItem withExpiry(String serviceUrl, java.time.Instant notAfter) {
    return new ChecklistItem(group, item, status, detail, diagnosis, action, serviceUrl, notAfter.toString());
  }

  public static ChecklistItem passed(String group, String item, String detail) {
    return new ChecklistItem(group, item, PASSED, detail, null, null);
  }

  public static ChecklistItem failed(String group, String item, String detail, String diagnosis, String action) {
    return new ChecklistItem(group, item, FAILED, detail, diagnosis, action);
  }

  public static ChecklistItem skipped(String group, String item, String detail) {
    return new ChecklistItem(group, item, SKIPPED, detail, null, null);
  }

  public static ChecklistItem partial(String group, String item, String detail, String untested, String action) {
    return new ChecklistItem(group, item, PARTIAL, detail, untested, action);
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isPassed() {
    return PASSED.equals(status);
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isPartial() {
    return PARTIAL.equals(status);
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isFailed() {
    return FAILED.equals(status);
  }
}
