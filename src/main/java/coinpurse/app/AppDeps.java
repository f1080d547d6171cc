package coinpurse.app;

import coinpurse.auth.JwtSecretFile;
import coinpurse.auth.TokenService;
import coinpurse.config.Config;
import coinpurse.db.Database;
import coinpurse.stripe.StripeGateway;
import java.time.Clock;
import java.util.Optional;

/** What the app runs on: its settings, the outside things it talks to, and its one clock. */
public record AppDeps(Config config, Database db, Optional<StripeGateway> stripe, TokenService tokens, Clock clock) {

    /** Opens the database and builds the Stripe client that {@code config} describes, on the system clock. */
    public static AppDeps open(Config config) {
        return open(config, Clock.systemUTC());
    }

    /** As {@link #open(Config)}, with every reader of time (tokens, throttles, timestamps) on {@code clock}. */
    public static AppDeps open(Config config, Clock clock) {
        TokenService tokens = new TokenService(JwtSecretFile.resolve(config.jwtSecret(), config.dbPath()), clock);
        Optional<StripeGateway> stripe = config.stripeSecretKey()
                .map(key -> StripeGateway.create(key, config.stripeApiBase(), config.stripeTimeout()));
        Database db = openDatabase(config);
        return new AppDeps(config, db, stripe, tokens, clock);
    }

    /** The database {@code config} names: PostgreSQL at {@code db.url}, else the SQLite file at {@code db.path}. */
    public static Database openDatabase(Config config) {
        return config.usesPostgres() ? Database.openPostgres(config.dbAccess()) : Database.open(config.dbPath());
    }
}
