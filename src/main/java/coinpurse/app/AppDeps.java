package coinpurse.app;

import coinpurse.auth.JwtSecretFile;
import coinpurse.auth.TokenService;
import coinpurse.config.Config;
import coinpurse.db.Database;
import coinpurse.db.OpenMode;
import coinpurse.db.PostgresDatabase;
import coinpurse.db.SqliteDatabase;
import coinpurse.metrics.Meters;
import coinpurse.stripe.StripeGateway;
import io.micrometer.core.instrument.MeterRegistry;
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
        TokenService tokens = new TokenService(JwtSecretFile.resolve(config.jwtSecret(), config.dbPath()), clock);
        Meters meters = config.metricsEnabled() ? Meters.prometheus() : Meters.off();
        Optional<StripeGateway> stripe = config.stripeSecretKey()
                .map(key -> StripeGateway.create(key, config.stripeApiBase(), config.stripeTimeout(), meters.registry()));
        Database db = openDatabase(config, meters);
        return new AppDeps(config, db, stripe, tokens, clock, meters);
    }

    /**
     * The database {@code config} names: PostgreSQL at {@code db.url}, else the SQLite file at
     * {@code db.path}; its schema migrated to this version.
     */
    public static Database openDatabase(Config config) {
        return openDatabase(config, Meters.off());
    }

    /**
     * The database {@code config} names, opened as {@code mode} says: read-only, it is never
     * migrated nor changed (the commands that only read it, {@code backup}).
     */
    public static Database openDatabase(Config config, OpenMode mode) {
        MeterRegistry none = Meters.off().registry();
        return config.usesPostgres()
                ? PostgresDatabase.open(config.dbAccess(), none, mode)
                : SqliteDatabase.open(config.dbPath(), none, mode);
    }

    private static Database openDatabase(Config config, Meters meters) {
        return config.usesPostgres()
                ? Database.openPostgres(config.dbAccess(), meters.registry())
                : Database.open(config.dbPath(), meters.registry());
    }
}
