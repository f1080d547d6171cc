package coinpurse.stripe;

import coinpurse.metrics.Meters;
import com.stripe.exception.ApiConnectionException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Times each call to Stripe's API by operation and outcome: {@code ok}, {@code error} (Stripe
 * answered with an error) or {@code unreachable} (no answer: connection failed or timed out).
 */
final class StripeCallMetrics {
    static final String OK = "ok";
    private static final String ERROR = "error";
    private static final String UNREACHABLE = "unreachable";

    private final MeterRegistry registry;

    StripeCallMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The outcome label of a call that threw {@code failure}. */
    static String outcomeOf(Throwable failure) {
        return failure instanceof ApiConnectionException ? UNREACHABLE : ERROR;
    }

    /**
     * Records one call. The timer is looked up per call: a Stripe call takes milliseconds, and only
     * the operations and outcomes that happen appear in the scrape.
     */
    void record(String operation, String outcome, long nanos) {
        Timer.builder("coinpurse.stripe.request")
                .description("Calls to Stripe's API, by operation and outcome")
                .tag("operation", operation)
                .tag("outcome", outcome)
                .serviceLevelObjectives(Meters.LATENCY_BUCKETS)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
