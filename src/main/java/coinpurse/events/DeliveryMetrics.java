package coinpurse.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;

/**
 * Counts the attempts to push events to {@code events.webhook_url} (delivered, failed) and the events
 * given up after 3 days, and gauges how long the oldest event still waiting has waited: read from
 * the database at each scrape, so it is the same on every instance and right after a restart.
 */
final class DeliveryMetrics {
    private final Counter delivered;
    private final Counter failed;
    private final Counter givenUp;

    DeliveryMetrics(MeterRegistry registry, Deliveries deliveries, Clock clock) {
        delivered = attempts(registry, "delivered");
        failed = attempts(registry, "failed");
        givenUp = Counter.builder("coinpurse.events.push.given.up")
                .description("Events given up after 3 days of failed attempts (read them from GET /api/internal/events)")
                .register(registry);
        Gauge.builder("coinpurse.events.undelivered.oldest.age", deliveries, d -> d.oldestPending()
                        .map(oldest -> Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0))
                        .orElse(0.0))
                .baseUnit("seconds")
                .description("How long the oldest event not yet delivered to events.webhook_url has waited (0: none waits)")
                .register(registry);
    }

    private static Counter attempts(MeterRegistry registry, String outcome) {
        return Counter.builder("coinpurse.events.push.attempts").tag("outcome", outcome)
                .description("Attempts to push an event to events.webhook_url: delivered (2xx) or failed (retried)")
                .register(registry);
    }

    void delivered() {
        delivered.increment();
    }

    void failed() {
        failed.increment();
    }

    void gaveUp() {
        givenUp.increment();
    }
}
