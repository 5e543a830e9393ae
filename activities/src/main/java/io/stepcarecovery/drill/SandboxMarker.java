package io.stepcarecovery.drill;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * What a drill writes beside its sandbox before it starts anything, so that a drill killed
 * mid-way (worker killed -9) can be cleaned up by the next one: the sandbox's directory, port,
 * how it was started and the process (pid with its start time, so a recycled pid is never
 * killed), and the worker that owned it. Read back as hostile: only a marker whose name and
 * drill id agree and whose directory is its own sandbox's is acted on.
 *
 * @param workerPid the worker process that made the sandbox; with {@code workerStart}, whether
 *     it still runs (then the sandbox may be another drill's, in flight)
 * @param pid the sandbox step-ca's pid (command backend), null before it started
 * @param database the throwaway database a drill of a MySQL CA loads its dump into, on the CA's
 *     own server (named before it is made, so a killed drill's is dropped by the next); else null
 */
public record SandboxMarker(String drillId, String ca, String backend, int port, Long pid, String pidStart,
    long workerPid, String workerStart, String unit, String container, String dockerHost, String database) {
  SandboxMarker(String drillId, String ca, String backend, int port, Long pid, String pidStart,
      long workerPid, String workerStart, String unit, String container, String dockerHost) {
    this(drillId, ca, backend, port, pid, pidStart, workerPid, workerStart, unit, container, dockerHost, null);
  }

  static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  static final String SUFFIX = ".marker.json";
  private static final long MAX_BYTES = 64 * 1024;

  static Path file(Path drillDir, String drillId) {
    return drillDir.resolve(drillId + SUFFIX);
  }

  SandboxMarker withPid(long newPid, String start) {
    return new SandboxMarker(drillId, ca, backend, port, newPid, start, workerPid, workerStart, unit, container,
        dockerHost, database);
  }

  SandboxMarker withDatabase(String name) {
    return new SandboxMarker(drillId, ca, backend, port, pid, pidStart, workerPid, workerStart, unit, container,
        dockerHost, name);
  }

  void write(Path drillDir) throws IOException {
    Path tmp = drillDir.resolve(drillId + SUFFIX + ".tmp");
    Files.write(tmp, JSON.writeValueAsBytes(this));
    Files.move(tmp, file(drillDir, drillId), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  static Optional<SandboxMarker> read(Path drillDir, String drillId) {
    Path f = file(drillDir, drillId);
    try {
      if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.size(f) > MAX_BYTES) {
        return Optional.empty();
      }
      SandboxMarker m = JSON.readValue(Files.readAllBytes(f), SandboxMarker.class);
      if (m == null || !drillId.equals(m.drillId()) || m.port() < 1 || m.port() > 65535) {
        return Optional.empty();
      }
      return Optional.of(m);
    } catch (IOException | RuntimeException unreadable) {
      return Optional.empty();
    }
  }
}
