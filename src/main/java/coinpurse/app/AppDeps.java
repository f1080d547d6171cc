package coinpurse.app;

import coinpurse.auth.JwtSecretFile;
import coinpurse.auth.TokenService;
import coinpurse.config.Config;
import coinpurse.db.Database;
import coinpurse.db.OpenMode;
import coinpurse.db.PostgresDatabase;
import coinpurse.db.SqliteDatabase;
import coinpurse.db.Timestamps;
import coinpurse.metrics.Meters;
import coinpurse.sandbox.Sandbox;
import coinpurse.stripe.StripeGateway;
import coinpurse.wallet.LotsFromHistory;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;

/**
 * What the app runs on: its settings, the outside things it talks to, its one clock, and its
 * meters (Prometheus' registry when {@code metrics.enabled}, else meters that record nothing).
 * With {@code stripe.sandbox=true}, {@code stripe} is the sandbox's gateway and {@code sandbox} is present.
 */
public record AppDeps(Config config, Database db, Optional<StripeGateway> stripe, TokenService tokens, Clock clock,
        Meters meters, Optional<Sandbox> sandbox) {

    /** Opens the database and builds the Stripe client that {@code config} describes, on the system clock. */
    public static AppDeps open(Config config) {
        return open(config, Clock.systemUTC());
    }

    /** As {@link #open(Config)}, with every reader of time (tokens, throttles, timestamps) on {@code clock}. */
    public static AppDeps open(Config config, Clock clock) {
        Meters meters = config.metricsEnabled() ? Meters.prometheus() : Meters.off();
        Optional<Sandbox> sandbox = config.stripeSandbox() ? Optional.of(Sandbox.create(config, clock)) : Optional.empty();
        Optional<StripeGateway> stripe = sandbox.map(Sandbox::gateway).or(() -> config.stripeSecretKey()
                .map(key -> StripeGateway.create(key, config.stripeApiBase(), config.stripeTimeout(), meters.registry())));
        // The database first: if it cannot be opened, no secret file is left behind for nothing.
        Database db = openDatabase(config, meters, clock);
        TokenService tokens;
        try {
            tokens = new TokenService(JwtSecretFile.resolve(config.jwtSecret(), config.dbPath()), clock);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return new AppDeps(config, db, stripe, tokens, clock, meters, sandbox);
    }

    /**
     * The database {@code config} names: PostgreSQL at {@code db.url}, else the SQLite file at {@code db.path};
     * its schema migrated to this version and its lots built from its ledger if an upgrade left that to do
     * ({@link #withLotsFromHistory}).
     */
    public static Database openDatabase(Config config) {
        return openDatabase(config, Meters.off(), Clock.systemUTC());
    }

    /**
     * The database {@code config} names, opened as {@code mode} says: read-only, it is never migrated nor
     * changed, and its lots are shown as they are (the commands that only read it, {@code backup}).
     */
    public static Database openDatabase(Config config, OpenMode mode) {
        MeterRegistry none = Meters.off().registry();
        return config.usesPostgres()
                ? PostgresDatabase.open(config.dbAccess(), none, mode)
                : SqliteDatabase.open(config.dbPath(), none, mode);
    }

    private static Database openDatabase(Config config, Meters meters, Clock clock) {
        return withLotsFromHistory(migrated(config, meters), clock);
    }

    private static Database migrated(Config config, Meters meters) {
        return config.usesPostgres()
                ? Database.openPostgres(config.dbAccess(), meters.registry())
                : Database.open(config.dbPath(), meters.registry());
    }

    /**
     * {@code db} once the lots of its ledger from before lots are built, when its upgrade left that
     * pending ({@link LotsFromHistory}): what every command that writes does before anything else.
     * Closed when that fails.
     */
    public static Database withLotsFromHistory(Database db, Clock clock) {
        try {
            new LotsFromHistory(new Timestamps(clock)).runIfPending(db);
            return db;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }
}
