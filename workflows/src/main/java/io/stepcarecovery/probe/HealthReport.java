package io.stepcarecovery.probe;

/** @param healthyAtMillis wall clock of the probing worker when /health first answered ok */
public record HealthReport(String url, long healthyAtMillis, int attempts) {}
