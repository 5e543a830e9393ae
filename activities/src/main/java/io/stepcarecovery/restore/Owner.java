package io.stepcarecovery.restore;

import io.stepcarecovery.config.ConfigException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;

/** The configured owner of a CA's files ({@code step:step}, {@code 1000:1000}), applied with lchown semantics. */
record Owner(String user, String group) {
  static Owner parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return null;
    }
    String[] parts = spec.split(":", 2);
    return new Owner(parts[0], parts.length > 1 ? parts[1] : parts[0]);
  }

  void apply(Path p) throws IOException {
    if (user.matches("\\d+") && group.matches("\\d+")) {
      Files.setAttribute(p, "unix:uid", Integer.parseInt(user), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(p, "unix:gid", Integer.parseInt(group), LinkOption.NOFOLLOW_LINKS);
      return;
    }
    UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
    PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    try {
      view.setOwner(lookup.lookupPrincipalByName(user));
      view.setGroup(lookup.lookupPrincipalByGroupName(group));
    } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
      throw new ConfigException("owner '" + user + ":" + group + "' does not exist on this host ("
          + e.getName() + "): fix 'owner' in the config or create the user");
    }
  }
}
