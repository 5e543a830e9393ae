package io.stepcarecovery.service;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A container behind a Docker Engine API (Docker's or Podman's), through docker-java. */
public final class DockerService implements ServiceControl {
  /** Seconds the engine waits after SIGTERM before SIGKILL: badger needs time to close. */
  private static final int STOP_GRACE_SECONDS = 60;

  private final String container;
  private final String dockerHost;
  private final DockerClient client;

  public DockerService(String container, String dockerHost) {
    this.container = container;
    String host = dockerHost != null && !dockerHost.isBlank() ? dockerHost
        : System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
    this.dockerHost = host;
    DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost(host).build();
    ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost())
        .sslConfig(config.getSSLConfig())
        .connectionTimeout(Duration.ofSeconds(10))
        .responseTimeout(Duration.ofSeconds(STOP_GRACE_SECONDS + 30))
        .build();
    this.client = DockerClientImpl.getInstance(config, http);
  }

  @Override
  public boolean isRunning() {
    return Boolean.TRUE.equals(inspect().getState().getRunning());
  }

  @Override
  public String describeState() {
    InspectContainerResponse.ContainerState s = inspect().getState();
    return "container " + container + " " + s.getStatus()
        + (Boolean.TRUE.equals(s.getRunning()) ? "" : " (exit code " + s.getExitCodeLong() + ")");
  }

  @Override
  public void start() {
    try {
      client.startContainerCmd(container).exec();
    } catch (NotModifiedException alreadyRunning) {
      // idempotent
    } catch (NotFoundException e) {
      throw notFound(e);
    } catch (RuntimeException e) {
      throw new ServiceException("cannot start container " + container + " via " + dockerHost + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public void stop() {
    try {
      client.stopContainerCmd(container).withTimeout(STOP_GRACE_SECONDS).exec();
    } catch (NotModifiedException alreadyStopped) {
      // idempotent
    } catch (NotFoundException e) {
      throw notFound(e);
    } catch (RuntimeException e) {
      throw new ServiceException("cannot stop container " + container + " via " + dockerHost + ": "
          + e.getMessage(), e);
    }
    if (isRunning()) {
      throw new ServiceException("container " + container + " still running after stop");
    }
  }

  @Override
  public void restart() {
    try {
      client.restartContainerCmd(container).withTimeout(STOP_GRACE_SECONDS).exec();
    } catch (NotFoundException e) {
      throw notFound(e);
    }
  }

  @Override
  public List<String> recentLogLines(int max) {
    List<String> lines = new ArrayList<>();
    try {
      client.logContainerCmd(container).withStdOut(true).withStdErr(true).withTail(max)
          .exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
              synchronized (lines) {
                new String(frame.getPayload(), StandardCharsets.UTF_8).lines().forEach(lines::add);
              }
            }
          }).awaitCompletion(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (NotFoundException e) {
      throw notFound(e);
    }
    synchronized (lines) {
      return List.copyOf(lines.subList(Math.max(0, lines.size() - max), lines.size()));
    }
  }

  private InspectContainerResponse inspect() {
    try {
      return client.inspectContainerCmd(container).exec();
    } catch (NotFoundException e) {
      throw notFound(e);
    } catch (RuntimeException e) {
      throw new ServiceException("cannot reach the Docker Engine API at " + dockerHost + " to inspect "
          + container + ": " + e.getMessage() + " (is the engine running? set service.dockerHost)", e);
    }
  }

  private ServiceException notFound(NotFoundException e) {
    return new ServiceException("no container named '" + container + "' at " + dockerHost
        + ": check service.container in the config (docker ps -a)", e);
  }
}
