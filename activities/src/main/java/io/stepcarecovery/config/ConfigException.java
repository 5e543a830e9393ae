package io.stepcarecovery.config;

/**
 * A configuration problem a person must fix: names the file, the key and what was expected.
 * The CLI prints the message alone and exits 2.
 */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
