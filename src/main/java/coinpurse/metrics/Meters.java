package coinpurse.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Optional;

/**
 * This process's meters: Prometheus' registry when {@code metrics.enabled}, else a registry
 * whose every meter is a no-op, so that code which counts pays next to nothing when nobody reads.
 * Features and lower layers alike take the {@link #registry()} and build their meters once, up front.
 */
public final class Meters implements AutoCloseable {
    /** Buckets of every latency histogram: from a SQLite commit (~1 ms) to a slow Stripe call (~10 s). */
    public static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    /** Null when metrics are off. */
    private final PrometheusMeterRegistry prometheus;
    /** Null when metrics are off. */
    private final JvmGcMetrics gc;

    private Meters(MeterRegistry registry, PrometheusMeterRegistry prometheus, JvmGcMetrics gc) {
        this.registry = registry;
        this.prometheus = prometheus;
        this.gc = gc;
    }

    /** Meters that record nothing: metrics are off. */
    public static Meters off() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // A denied meter is built as a no-op and never kept: nothing is recorded, nothing grows.
        registry.config().meterFilter(MeterFilter.deny());
        return new Meters(registry, null, null);
    }

    /** Prometheus' registry, with the JVM's memory, threads, GC, CPU and uptime bound to it. */
    public static Meters prometheus() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(prometheus);
        new JvmThreadMetrics().bindTo(prometheus);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(prometheus);
        new ProcessorMetrics().bindTo(prometheus);
        new UptimeMetrics().bindTo(prometheus);
        return new Meters(prometheus, prometheus, gc);
    }

    /** Where meters are built: the no-op registry when metrics are off. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The registry to scrape; empty when metrics are off. */
    public Optional<PrometheusMeterRegistry> prometheusRegistry() {
        return Optional.ofNullable(prometheus);
    }

    /** Stops listening to the JVM's GC notifications. */
    @Override
    public void close() {
        if (gc != null) {
            gc.close();
        }
        registry.close();
    }
}
