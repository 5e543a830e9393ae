package io.stepcarecovery.cli;

import io.stepcarecovery.lab.LabCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A CA host run by systemd (lab/up --systemd): step-ca and the worker are units in a container
 * whose PID 1 is systemd; the dev-server runs here. Stopped and removed — the host lost with its
 * data — by close(). Not a fake: without lab/install's image the test fails here, it never skips.
 */
final class SystemdHost implements AutoCloseable {
  static final String IMAGE = "localhost/stepca-lab-systemd:bookworm";

  private final Path dir;
  private final Map<String, String> env;

  private SystemdHost(Path dir) {
    this.dir = dir;
    this.env = LabCa.readEnv(dir.resolve("lab.env"));
  }

  /** A host with a fresh CA (step-ca active). */
  static SystemdHost up(Path dir) {
    return start(List.of("--systemd", dir.toString()));
  }

  /** A host with a fresh CA and the worker unit installed but not started: the test sets up its own. */
  static SystemdHost upWithoutWorker(Path dir) {
    return start(List.of("--systemd", "--no-worker", dir.toString()));
  }

  /**
   * A fresh host with the old one's layout, address, passwords and root certificate but no CA
   * data; {@code store} is "HOSTPATH[:PATH inside]".
   */
  static SystemdHost upEmpty(Path dir, Path like, String store) {
    return start(List.of("--systemd", "--empty", "--like", like.toString(), "--store", store, dir.toString()));
  }

  private static SystemdHost start(List<String> args) {
    Path repo = LabCa.repo();
    if (!Files.isExecutable(repo.resolve("lab/build/stepca-lab"))
        || !Files.isRegularFile(repo.resolve("lab/build/rootfs-systemd.tar"))
        || !LabCa.run(List.of("podman", "image", "ls", "-q", IMAGE), 30).strip().matches("[0-9a-f]+")) {
      throw new IllegalStateException("the systemd lab is not installed (lab/build/stepca-lab, lab/build/rootfs-systemd.tar"
          + " and the podman image " + IMAGE + "): run lab/install first (.ci/run does). Lab tests never skip.");
    }
    List<String> cmd = new ArrayList<>(List.of(repo.resolve("lab/up").toString()));
    cmd.addAll(args);
    LabCa.run(cmd, 240);
    return new SystemdHost(Path.of(args.get(args.size() - 1)));
  }

  Path dir() {
    return dir;
  }

  String config() {
    return dir.resolve("config.yaml").toString();
  }

  String env(String key) {
    return env.get(key);
  }

  String container() {
    return env.get("CONTAINER");
  }

  /** A command run on the host (podman exec); its output, whatever its exit code. */
  String exec(String... command) {
    List<String> cmd = new ArrayList<>(List.of("podman", "exec", container()));
    cmd.addAll(List.of(command));
    try {
      return LabCa.run(cmd, 60).strip();
    } catch (IllegalStateException nonZero) {
      return nonZero.getMessage();
    }
  }

  /** systemctl is-active UNIT on the host: active, inactive, failed, ... */
  String unitState(String unit) {
    try {
      return LabCa.run(List.of("podman", "exec", container(), "systemctl", "is-active", unit), 60).strip();
    } catch (IllegalStateException notActive) {
      String m = notActive.getMessage();
      return m.substring(m.indexOf(":\n") + 2).strip();
    }
  }

  static boolean containerExists(String name) {
    return !LabCa.run(List.of("podman", "ps", "-a", "-q", "--filter", "name=^" + name + "$"), 30).isBlank();
  }

  /** The host is lost: container and the CA data in it removed, the dev-server stopped. */
  @Override
  public void close() {
    LabCa.run(List.of(LabCa.repo().resolve("lab/down").toString(), "--remove", dir.toString()), 120);
  }
}
