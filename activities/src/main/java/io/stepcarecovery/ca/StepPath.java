package io.stepcarecovery.ca;

import java.nio.file.Path;

/** The $STEPPATH tree of a CA: the directory whose {@code config/} holds ca.json. */
public final class StepPath {
  private StepPath() {}

  public static Path of(Path caJson) {
    Path dir = caJson.toAbsolutePath().normalize().getParent();
    if (dir.getFileName() != null && dir.getFileName().toString().equals("config") && dir.getParent() != null) {
      return dir.getParent();
    }
    return dir;
  }
}
