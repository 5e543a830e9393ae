package io.stepcarecovery.ingress;

/**
 * The certificate an ingress served when probed after its restart.
 *
 * @param issuedAfter it is new (none of those the resolver held before) and its notBefore is no
 *     earlier than the recovery's start less step-ca's default backdate (one minute)
 * @param notBefore ISO-8601
 * @param detail one line: what was served, or why nothing new was seen in time
 */
public record ServedCertificate(String url, boolean issuedAfter, String subject, String serial,
    String notBefore, String sha256, String detail) {}
