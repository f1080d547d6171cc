package coinpurse.http;

import coinpurse.db.Database;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health}: does the database answer (and, after a failed write, take writes again),
 * and is Stripe configured (or played by the sandbox).
 */
public final class HealthController {
    private final Database db;
    private final String stripe;

    /** {@code stripe}: {@code configured}, {@code not_configured} or {@code sandbox}, as the answer says it. */
    public HealthController(Database db, String stripe) {
        this.db = db;
        this.stripe = stripe;
    }

    public void health(Context ctx) {
        boolean dbOk = db.isHealthy();
        Map<String, String> body = new LinkedHashMap<>();
        body.put("status", dbOk ? "ok" : "unavailable");
        body.put("db", dbOk ? "ok" : "unavailable");
        body.put("db_kind", db.dialect().vendor());
        body.put("stripe", stripe);
        if (!dbOk) {
            body.put("error", "database_unavailable");
            body.put("message", "The database does not answer or cannot save changes.");
        }
        ctx.status(dbOk ? 200 : 503).json(body);
    }
}
