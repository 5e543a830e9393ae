package io.stepcarecovery.probe;

import io.stepcarecovery.ca.CaDescription;
import java.util.List;

/** A CA and what depends on it: the ingresses to restart and the services to confirm. */
public record Platform(CaDescription ca, List<Ingress> ingress, List<String> services) {
  public record Ingress(String name, String host, boolean hasAcmeJson) {}
}
