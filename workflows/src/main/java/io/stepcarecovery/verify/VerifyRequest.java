package io.stepcarecovery.verify;

/** {@code {"ca":"main"}} */
public record VerifyRequest(String ca) {}
