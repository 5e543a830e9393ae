package io.stepcarecovery.worker.metrics;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
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

  /** The SDK's gauge whose name ends in _count, which Prometheus reads as part of a histogram. */
  static final String ACTIVE_THREADS_SDK = "temporal_workflow_active_thread_count";
  static final String ACTIVE_THREADS = "temporal_workflow_active_threads";

  /** The scope to give the service stubs; closing it stops the reporting. */
  public static Scope scope(MeterRegistry registry) {
    // So that a scrape passes `promtool check metrics` (CI runs it): the SDK registers its meters
    // without help text, and one gauge under a histogram-like name. The other names stay the SDK's,
    // as Temporal's dashboards query them.
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if (!id.getName().startsWith("temporal_")) {
          return id;
        }
        String name = id.getName().equals(ACTIVE_THREADS_SDK) ? ACTIVE_THREADS : id.getName();
        String help = id.getDescription() != null ? id.getDescription()
            : "Temporal Java SDK metric " + id.getName() + " (docs.temporal.io/references/sdk-metrics)";
        return new Meter.Id(name, Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), help, id.getType());
      }
    });
    return new RootScopeBuilder().reporter(new MicrometerClientStatsReporter(registry))
        .reportEvery(com.uber.m3.util.Duration.ofSeconds(REPORT_EVERY.toSeconds()));
  }
}
