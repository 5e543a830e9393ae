package io.stepcarecovery.service;

/** A service could not be controlled: the message says which, how, and what it answered. */
public class ServiceException extends RuntimeException {
  public ServiceException(String message) {
    super(message);
  }

  public ServiceException(String message, Throwable cause) {
    super(message, cause);
  }
}
