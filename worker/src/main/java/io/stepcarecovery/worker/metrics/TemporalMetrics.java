package io.stepcarecovery.worker.metrics;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import java.time.Duration;

/**
 * The Temporal SDK's own client and worker metrics (poll latency, task slots, activity and
 * workflow task outcomes) into the same registry, the way Temporal's Java samples wire them.
 */
public final class TemporalMetrics {
  /** Often enough for a 15-60 s scrape interval; the reporter only copies counters. */
  private static final Duration REPORT_EVERY = Duration.ofSeconds(10);

  private TemporalMetrics() {}

  /** The scope to give the service stubs; closing it stops the reporting. */
  public static Scope scope(MeterRegistry registry) {
    return new RootScopeBuilder().reporter(new MicrometerClientStatsReporter(registry))
        .reportEvery(com.uber.m3.util.Duration.ofSeconds(REPORT_EVERY.toSeconds()));
  }
}
