package coinpurse.http;

import coinpurse.db.Database;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health}: does the database answer (and, after a failed write, take writes again),
 * and is Stripe configured.
 */
public final class HealthController {
    private final Database db;
    private final boolean stripeConfigured;

    public HealthController(Database db, boolean stripeConfigured) {
        this.db = db;
        this.stripeConfigured = stripeConfigured;
    }

    public void health(Context ctx) {
        boolean dbOk = db.isHealthy();
        Map<String, String> body = new LinkedHashMap<>();
        body.put("status", dbOk ? "ok" : "unavailable");
        body.put("db", dbOk ? "ok" : "unavailable");
        body.put("db_kind", db.dialect().vendor());
        body.put("stripe", stripeConfigured ? "configured" : "not_configured");
        if (!dbOk) {
            body.put("error", "database_unavailable");
            body.put("message", "The database does not answer or cannot save changes.");
        }
        ctx.status(dbOk ? 200 : 503).json(body);
    }
}
