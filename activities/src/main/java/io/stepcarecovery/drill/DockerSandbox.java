package io.stepcarecovery.drill;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.stepcarecovery.config.DrillConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The docker backend: a container {@code stepca-<drillId>} from {@code drill.image} (the
 * production image), host network (it binds the sandbox's loopback port), the sandbox mounted
 * at its own path and the password file read-only, running {@code drill.command} (arguments
 * before the image's entrypoint's own, e.g. {@code start} for the lab image; may be empty) with
 * {@code --password-file PW CA_JSON}. Stopping removes the container.
 */
final class DockerSandbox implements SandboxBackend {
  private final DrillConfig config;

  DockerSandbox(DrillConfig config) {
    this.config = config;
  }

  static String containerOf(String drillId) {
    return "stepca-" + drillId;
  }

  private DockerClient client(String dockerHost) {
    String host = dockerHost != null && !dockerHost.isBlank() ? dockerHost
        : System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
    DefaultDockerClientConfig c = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
    ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder().dockerHost(c.getDockerHost())
        .sslConfig(c.getSSLConfig()).connectionTimeout(Duration.ofSeconds(10))
        .responseTimeout(Duration.ofSeconds(90)).build();
    return DockerClientImpl.getInstance(c, http);
  }

  @Override
  public SandboxMarker start(SandboxMarker marker, Launch launch) throws IOException {
    DockerClient docker = client(marker.dockerHost());
    List<Bind> binds = new ArrayList<>();
    binds.add(new Bind(launch.dir().toString(), new Volume(launch.dir().toString())));
    if (launch.passwordFile() != null) {
      binds.add(new Bind(launch.passwordFile().toString(), new Volume(launch.passwordFile().toString()),
          AccessMode.ro));
    }
    List<String> cmd = new ArrayList<>(SandboxBackend.words(config.command()));
    cmd.addAll(launch.stepCaArgs());
    docker.createContainerCmd(config.image()).withName(marker.container())
        .withEnv("STEPPATH=" + launch.stepPath(), "HOME=" + launch.dir())
        .withLabels(java.util.Map.of("stepca-recovery.drill", marker.drillId()))
        .withHostConfig(HostConfig.newHostConfig().withNetworkMode("host").withBinds(binds))
        .withCmd(cmd).exec();
    docker.startContainerCmd(marker.container()).exec();
    return marker;
  }

  @Override
  public boolean running(SandboxMarker m) {
    try {
      return Boolean.TRUE.equals(client(m.dockerHost()).inspectContainerCmd(m.container()).exec().getState().getRunning());
    } catch (NotFoundException gone) {
      return false;
    }
  }

  @Override
  public void stop(SandboxMarker m) {
    try {
      client(m.dockerHost()).removeContainerCmd(m.container()).withForce(true).exec();
    } catch (NotFoundException gone) {
      // idempotent
    }
  }

  @Override
  public List<String> logLines(SandboxMarker m, Path dir, int max) {
    List<String> lines = new ArrayList<>();
    try {
      client(m.dockerHost()).logContainerCmd(m.container()).withStdOut(true).withStdErr(true).withTail(max)
          .exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
              synchronized (lines) {
                new String(frame.getPayload(), StandardCharsets.UTF_8).lines().forEach(lines::add);
              }
            }
          }).awaitCompletion(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException gone) {
      // no log to read
    }
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }
}
