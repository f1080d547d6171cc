package coinpurse.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * {@code GET /metrics}: every meter in Prometheus' text format, for whoever presents the key
 * that {@code access} checks (the internal API key; 401 JSON without it).
 */
public final class MetricsController {
    /** Prometheus' text exposition format, the one every Prometheus version scrapes. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Handler access;
    private final PrometheusMeterRegistry registry;

    public MetricsController(Handler access, PrometheusMeterRegistry registry) {
        this.access = access;
        this.registry = registry;
    }

    public void metrics(Context ctx) throws Exception {
        access.handle(ctx);
        ctx.contentType(CONTENT_TYPE).result(registry.scrape());
    }
}
