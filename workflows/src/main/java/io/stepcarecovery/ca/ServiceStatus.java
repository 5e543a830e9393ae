package io.stepcarecovery.ca;

public record ServiceStatus(boolean running, String detail) {}
