package coinpurse.app;

import coinpurse.auth.JwtSecretFile;
import coinpurse.auth.TokenService;
import coinpurse.config.Config;
import coinpurse.db.Database;
import coinpurse.metrics.Meters;
import coinpurse.stripe.StripeGateway;
import java.time.Clock;
import java.util.Optional;

/**
 * What the app runs on: its settings, the outside things it talks to, its one clock, and its
 * meters (Prometheus' registry when {@code metrics.enabled}, else meters that record nothing).
 */
public record AppDeps(Config config, Database db, Optional<StripeGateway> stripe, TokenService tokens, Clock clock,
        Meters meters) {

    /** Opens the database and builds the Stripe client that {@code config} describes, on the system clock. */
    public static AppDeps open(Config config) {
        return open(config, Clock.systemUTC());
    }

    /** As {@link #open(Config)}, with every reader of time (tokens, throttles, timestamps) on {@code clock}. */
    public static AppDeps open(Config config, Clock clock) {
        Meters meters = config.metricsEnabled() ? Meters.prometheus() : Meters.off();
        // The database first: if it cannot be opened, no secret file is left behind for nothing.
        Database db = openDatabase(config, meters);
        TokenService tokens;
        try {
            tokens = new TokenService(JwtSecretFile.resolve(config.jwtSecret(), config.dbPath()), clock);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        Optional<StripeGateway> stripe = config.stripeSecretKey()
                .map(key -> StripeGateway.create(key, config.stripeApiBase(), config.stripeTimeout(), meters.registry()));
        return new AppDeps(config, db, stripe, tokens, clock, meters);
    }

    /** The database {@code config} names: PostgreSQL at {@code db.url}, else the SQLite file at {@code db.path}. */
    public static Database openDatabase(Config config) {
        return openDatabase(config, Meters.off());
    }

    private static Database openDatabase(Config config, Meters meters) {
        return config.usesPostgres()
                ? Database.openPostgres(config.dbAccess(), meters.registry())
                : Database.open(config.dbPath(), meters.registry());
    }
}
