package coinpurse.liability;

import coinpurse.db.Database;
import coinpurse.http.ApiException;
import coinpurse.auth.InternalAuth;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;

/** {@code GET /api/internal/liability?as_of=TIME}: the money report, for the web app's own server. */
public final class LiabilityController {
    private final InternalAuth auth;
    private final Database db;
    private final Liabilities liabilities;
    private final Clock clock;

    public LiabilityController(InternalAuth auth, Database db, Liabilities liabilities, Clock clock) {
        this.auth = auth;
        this.db = db;
        this.liabilities = liabilities;
        this.clock = clock;
    }

    public void report(Context ctx) {
        auth.require(ctx);
        Instant asOf;
        try {
            asOf = AsOf.parse("as_of", ctx.queryParam("as_of"), clock.instant());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        ctx.json(liabilities.report(db, asOf));
    }
}
