package dev.porte.server.metrics;

import dev.porte.core.model.Action;
import dev.porte.server.connections.ConnectionEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The server's meters, in one Prometheus registry. Thread-safe (Micrometer's meters are).
 *
 * <p>Names as scraped: {@code porte_connections_total{port,protocol,verdict,rule}},
 * {@code porte_connections_ended_total{protocol,cause}},
 * {@code porte_bytes_total{direction}}, {@code porte_checks_total{verdict}},
 * {@code porte_policy_version}, {@code porte_policy_applies_total{kind}},
 * {@code porte_policy_apply_failures_total}, {@code porte_connections_log_dropped_total}; and the
 * process's: {@code process_files_open_files}, {@code process_files_max_files}, {@code
 * process_cpu_usage}, {@code process_uptime_seconds}, {@code jvm_memory_used_bytes}, {@code
 * jvm_threads_live_threads}.
 */
public final class ServerMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicLong version = new AtomicLong();
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final Counter applyFailures;
  private final Counter connectionsDropped;

  public ServerMetrics() {
    Gauge.builder("porte.policy.version", version, AtomicLong::doubleValue)
        .description("The id of the policy version in force")
        .register(registry);
    bytesIn = Counter.builder("porte.bytes").tag("direction", "in").description("Bytes from clients").register(registry);
    bytesOut = Counter.builder("porte.bytes").tag("direction", "out").description("Bytes to clients").register(registry);
    applyFailures = Counter.builder("porte.policy.apply.failures")
        .description("Applies and rollbacks that were refused or failed")
        .register(registry);
    connectionsDropped = Counter.builder("porte.connections.log.dropped")
        .description("Connection events not stored because the log's queue was full")
        .register(registry);
    // The process's own gauges, named as every JVM service exports them, so that the usual
    // dashboards and alerts work: open files against their limit above all, as each connection
    // holds two descriptors and the caps follow the limit.
    new FileDescriptorMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
  }

  /** The gauge of service addresses the gateway could not listen on: alert on it above 0. */
  public static final String UNSERVED_LISTENERS = "porte.listeners.unserved";

  /**
   * A count kept by {@code source}, read at each scrape, such as the gateway's connections refused
   * by a cap. Micrometer holds {@code source} weakly and, once it is collected, reports the last
   * value read for ever: so {@code source} must be the object that keeps the count and lives as
   * long as it does, never a lambda made for the call (nothing else would hold it, and the first
   * garbage collection would freeze the counter).
   */
  public <T> void counter(String name, String description, T source, ToDoubleFunction<T> count) {
    FunctionCounter.builder(name, source, count).description(description).register(registry);
  }

  /** A value read at each scrape, such as the gateway's open connections. */
  public void gauge(String name, String description, java.util.function.Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }

  /** Counts an event the connection log had no room for (it is still counted as a connection). */
  public void connectionDropped() {
    connectionsDropped.increment();
  }

  /** Counts one decided connection and its bytes. */
  public void connection(ConnectionEvent event) {
    Counter.builder("porte.connections")
        .description("Connections decided, by port, protocol, verdict and deciding rule")
        .tag("port", Integer.toString(event.port()))
        .tag("protocol", event.protocol().toString())
        .tag("verdict", event.verdict().toString())
        .tag("rule", ruleTag(event.rule()))
        .register(registry)
        .increment();
    bytesIn.increment(event.bytesIn());
    bytesOut.increment(event.bytesOut());
    if (event.ended() != null) {
      Counter.builder("porte.connections.ended")
          .description("Admitted connections and UDP sessions that ended, by protocol and cause (idle, "
              + "backend_unreachable, reply_withheld, ...; closed is the normal end)")
          .tag("protocol", event.protocol().toString())
          .tag("cause", event.ended())
          .register(registry)
          .increment();
    }
  }

  /** Counts one "would this pass" question answered by the API. */
  public void check(Action verdict) {
    Counter.builder("porte.checks").tag("verdict", verdict.toString()).register(registry).increment();
  }

  /** Counts an apply or a rollback that put {@code versionId} in force. */
  public void applied(String kind, long versionId) {
    Counter.builder("porte.policy.applies").tag("kind", kind).description("Policy applies and rollbacks").register(registry).increment();
    version.set(versionId);
  }

  /** Sets the version gauge without counting an apply (at start). */
  public void inForce(long versionId) {
    version.set(versionId);
  }

  public void applyFailed() {
    applyFailures.increment();
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  private static String ruleTag(@Nullable String rule) {
    return rule == null ? "none" : rule;
  }
}
