package io.stepcarecovery.config;

import java.nio.file.Path;
import java.util.Set;

/**
 * How a restore drill starts its sandbox step-ca (a CA's {@code drill:} section). The sandbox
 * runs the same binary (or image) as production on a copy of a backup, on a free loopback port,
 * on the drill host.
 *
 * @param host the drill host (its worker queue); default: the CA's host
 * @param dir where sandboxes are made, one directory per drill; default {@code <lockDir>/drills}.
 *     Never inside the CA's STEPPATH or anything a backup restores (checked at each drill)
 * @param backend {@code command} (default), {@code systemd} or {@code docker}
 * @param command the step-ca binary and any leading arguments, e.g. {@code /usr/bin/step-ca} or
 *     {@code /opt/lab/stepca-lab start}; the drill appends {@code --password-file PW CA_JSON}
 *     (command and systemd backends)
 * @param passwordFile the production CA's key password file, read where it lies and never
 *     copied or written (the same file production starts with); unset: step-ca is started
 *     without one (a ca.json that holds its password, or a KMS)
 * @param image the production CA's image (docker backend), e.g. {@code smallstep/step-ca:0.19.0}
 * @param dockerHost the Engine API of the docker backend (unix:// or tcp://); default DOCKER_HOST
 * @param startTimeoutSeconds how long the sandbox may take to answer /health (default 60)
 */
public record DrillConfig(String host, Path dir, String backend, String command, Path passwordFile,
    String image, String dockerHost, Integer startTimeoutSeconds) {
  public static final String COMMAND = "command";
  public static final String SYSTEMD = "systemd";
  public static final String DOCKER = "docker";
  public static final Set<String> BACKENDS = Set.of(COMMAND, SYSTEMD, DOCKER);
  public static final int DEFAULT_START_TIMEOUT_SECONDS = 60;

  public String backendOrDefault() {
    return backend == null || backend.isBlank() ? COMMAND : backend;
  }

  public int startTimeoutOrDefault() {
    return startTimeoutSeconds == null ? DEFAULT_START_TIMEOUT_SECONDS : startTimeoutSeconds;
  }

  /** The drill directory of a CA: configured, else beside the run locks. */
  public static Path dirOf(DrillConfig d, Path lockDir) {
    return d != null && d.dir() != null ? d.dir() : lockDir.resolve("drills");
  }

  /** The drill host of a CA: configured, else the CA's own host. */
  public static String hostOf(DrillConfig d, String caHost) {
    return d != null && d.host() != null && !d.host().isBlank() ? d.host() : caHost;
  }
}
