package io.stepcarecovery.overview;

/**
 * A state {@code overview} calls alerting.
 *
 * @param rule the Prometheus alert in deploy/prometheus/alerts.yml that fires on the same state
 * @param text one sentence naming the CA and what is wrong
 */
public record Alert(String rule, String text) {}
