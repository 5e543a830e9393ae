package io.stepcarecovery.ca;

/**
 * What a workflow needs to know about a configured CA to route its activities: names and
 * addresses only. Everything else stays in the worker's config file.
 */
public record CaDescription(String name, String host, String url, String serviceType) {}
