package io.stepcarecovery.service;

import io.stepcarecovery.config.StepcaRecoveryConfig.ServiceConfig;

/** Picks the backend a service's config names. */
public final class ServiceControls {
  private ServiceControls() {}

  public static ServiceControl of(String name, ServiceConfig config) {
    return switch (config.type()) {
      case "systemd" -> new SystemdService(config.unit());
      case "docker" -> new DockerService(config.container(), config.dockerHost());
      case "command" -> new CommandService(name, config);
      default -> throw new IllegalArgumentException("unknown service type " + config.type());
    };
  }
}
