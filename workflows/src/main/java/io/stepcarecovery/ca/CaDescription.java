package io.stepcarecovery.ca;

import java.util.List;

/**
 * What a workflow needs to know about a configured CA to route its activities: names and
 * addresses, and the URIs of its off-host copies. Everything else stays in the worker's config file.
 */
public record CaDescription(String name, String host, String url, String serviceType, List<String> copies) {
  public CaDescription(String name, String host, String url, String serviceType) {
    this(name, host, url, serviceType, null);
  }

  /** The URIs of the CA's off-host copies (none in histories from before copies existed). */
  public List<String> copiesOrEmpty() {
    return copies == null ? List.of() : copies;
  }
}
