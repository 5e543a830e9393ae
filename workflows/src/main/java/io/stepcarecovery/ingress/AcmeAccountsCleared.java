package io.stepcarecovery.ingress;

import java.util.List;

/**
 * The accounts removed from an ingress's acme.json.
 *
 * @param copy the copy of acme.json as it was, kept beside it (null when nothing was cleared)
 * @param resolvers the resolvers whose account was removed
 */
public record AcmeAccountsCleared(String acmeJson, String copy, List<String> resolvers) {}
