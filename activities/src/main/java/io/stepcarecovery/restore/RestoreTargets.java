package io.stepcarecovery.restore;

import io.stepcarecovery.archive.UnsafeArchiveException;
import io.stepcarecovery.ca.CaJson;
import io.stepcarecovery.ca.StepPath;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a restore on this host may write: decided by the restoring host, never by the archive.
 * A backup's manifest says what is inside it; anyone who can write to the store can write a
 * manifest, so its roots are only accepted when each is one of this CA's own paths here — its
 * $STEPPATH tree (from the configured caConfig), the paths the live ca.json names
 * (db.dataSource, db.valueDir, root, crt, key), or a path the operator allowed for this run
 * ({@code --allow-path}, for a host whose ca.json is gone and whose CA keeps data outside
 * $STEPPATH) — or lies inside one of them.
 */
public final class RestoreTargets {
  private final String ca;
  private final Path stepPath;
  private final Path caJson;
  private final boolean caJsonRead;
  private final Set<Path> allowed;

  private RestoreTargets(String ca, Path stepPath, Path caJson, boolean caJsonRead, Set<Path> allowed) {
    this.ca = ca;
    this.stepPath = stepPath;
    this.caJson = caJson;
    this.caJsonRead = caJsonRead;
    this.allowed = allowed;
  }

  /** This host's paths of a CA, plus the paths the operator allowed for this run. */
  public static RestoreTargets of(CaConfig c, List<String> allowPaths) {
    Set<Path> allowed = new LinkedHashSet<>();
    Path stepPath = StepPath.of(c.caConfig());
    allowed.add(stepPath);
    boolean read = false;
    if (Files.isRegularFile(c.caConfig())) {
      try {
        CaJson json = CaJson.read(c.caConfig());
        for (Path p : new Path[] {json.db().dataSource(), json.db().valueDir(), json.root(), json.crt(), json.key()}) {
          if (p != null) {
            allowed.add(p.toAbsolutePath().normalize());
          }
        }
        read = true;
      } catch (ConfigException broken) {
        // A broken live ca.json is what a restore repairs: it names nothing here.
      }
    }
    for (String p : allowPaths == null ? List.<String>of() : allowPaths) {
      allowed.add(checkedAbsolute(p, "--allow-path"));
    }
    return new RestoreTargets(c.name(), stepPath, c.caConfig(), read, allowed);
  }

  /** The paths a restore may write in this host's CA (none inside another), for messages. */
  public List<String> allowed() {
    return allowed.stream().filter(p -> allowed.stream().noneMatch(o -> !o.equals(p) && p.startsWith(o)))
        .map(Path::toString).toList();
  }

  /** Whether every root is one of this CA's paths here (the hint of a record, untrusted). */
  public boolean permits(List<Path> roots) {
    return roots.stream().allMatch(this::permits);
  }

  private boolean permits(Path root) {
    return root.isAbsolute() && root.normalize().equals(root) && root.getParent() != null
        && allowed.stream().anyMatch(root::startsWith);
  }

  /**
   * Refuses, before anything is written, a backup that would write anywhere but this CA's own
   * paths, naming each such path.
   */
  public List<Path> check(String backupId, List<String> roots) {
    if (roots == null || roots.isEmpty()) {
      throw new UnsafeArchiveException("backup " + backupId + " names no path to restore; refused");
    }
    List<Path> out = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (String r : roots) {
      Path p = r == null || !r.startsWith("/") ? null : Path.of(r);
      if (p == null || !permits(p)) {
        refused.add(String.valueOf(r));
      } else {
        out.add(p);
      }
    }
    if (!refused.isEmpty()) {
      throw new UnsafeArchiveException("backup " + backupId + " would write to " + String.join(", ", refused)
          + ", which " + (refused.size() == 1 ? "is not a path" : "are not paths") + " of CA '" + ca
          + "' on this host (it may write only to " + String.join(", ", allowed()) + ": its $STEPPATH "
          + stepPath + (caJsonRead ? " and what " + caJson + " names" : "; " + caJson
              + " is missing or unreadable here, so it names nothing")
          + "); refused before anything changed. A backup that writes elsewhere was not made from this"
          + " CA's config, or was forged. If this CA really keeps data there, run again with "
          + refused.stream().map(r -> "--allow-path " + r).collect(java.util.stream.Collectors.joining(" ")));
    }
    return out;
  }

  private static Path checkedAbsolute(String p, String what) {
    if (p == null || !p.startsWith("/")) {
      throw new ConfigException(what + " '" + p + "' is not an absolute path");
    }
    Path path = Path.of(p);
    if (!path.normalize().equals(path) || path.getParent() == null) {
      throw new ConfigException(what + " '" + p + "' must be a normalised absolute path below /");
    }
    return path;
  }
}
