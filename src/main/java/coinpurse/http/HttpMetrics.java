package coinpurse.http;

import coinpurse.metrics.Meters;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.RequestLogger;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Times every request Javalin answers, by method, route template ({@code /api/payment/status/{session_id}},
 * never the path itself) and status. Requests that match no route share the route
 * {@value #UNMATCHED}, so that scanners cannot grow the label set. Each route's timers are built on
 * its first request of each status and then found without allocating.
 */
public final class HttpMetrics implements RequestLogger {
    public static final String UNMATCHED = "unmatched";
    private static final String OTHER_METHOD = "OTHER";
    private static final Set<HandlerType> KNOWN_METHODS = Set.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
            HandlerType.PATCH, HandlerType.DELETE, HandlerType.HEAD, HandlerType.OPTIONS);
    private static final int STATUSES = 600;

    private final MeterRegistry registry;
    private final Map<Endpoint, RouteTimers> routes = new ConcurrentHashMap<>();
    private final Map<HandlerType, RouteTimers> unmatched = new ConcurrentHashMap<>();
    /** Unmatched requests of a method outside {@link #KNOWN_METHODS}: Jetty accepts any token as a method. */
    private final RouteTimers unmatchedOther;

    public HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.unmatchedOther = new RouteTimers(OTHER_METHOD, UNMATCHED);
    }

    @Override
    public void handle(Context ctx, Float executionTimeMs) {
        timersOf(ctx).forStatus(ctx.statusCode()).record((long) (executionTimeMs * 1_000_000L), TimeUnit.NANOSECONDS);
    }

    private RouteTimers timersOf(Context ctx) {
        Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
        if (endpoint != null) {
            RouteTimers timers = routes.get(endpoint);
            return timers != null ? timers
                    : routes.computeIfAbsent(endpoint, e -> new RouteTimers(e.method.name(), e.path));
        }
        HandlerType method = ctx.method();
        if (!KNOWN_METHODS.contains(method)) {
            return unmatchedOther;
        }
        RouteTimers timers = unmatched.get(method);
        return timers != null ? timers
                : unmatched.computeIfAbsent(method, m -> new RouteTimers(m.name(), UNMATCHED));
    }

    /** One route's timers, by status. */
    private final class RouteTimers {
        private final String method;
        private final String route;
        private final AtomicReferenceArray<Timer> byStatus = new AtomicReferenceArray<>(STATUSES);

        RouteTimers(String method, String route) {
            this.method = method;
            this.route = route;
        }

        Timer forStatus(int status) {
            int slot = status >= 0 && status < STATUSES ? status : 0;
            Timer timer = byStatus.get(slot);
            if (timer == null) {
                // Two threads may both build it: the registry hands both the same timer.
                timer = Timer.builder("coinpurse.http.server.requests")
                        .description("HTTP requests answered, by method, route template and status")
                        .tag("method", method)
                        .tag("route", route)
                        .tag("status", Integer.toString(status))
                        .serviceLevelObjectives(Meters.LATENCY_BUCKETS)
                        .register(registry);
                byStatus.set(slot, timer);
            }
            return timer;
        }
    }
}
