package coinpurse.db;

import coinpurse.config.DatabaseAccess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.flywaydb.core.api.FlywayException;

/**
 * Moves a SQLite database into an empty PostgreSQL one ({@code copy-db}): every row of every
 * table, in foreign-key order, keeping the ledger's ids, in one PostgreSQL transaction that is
 * verified before it commits (row counts, every balance against its ledger, each user's ledger
 * against the source's). A refused or failed copy commits nothing.
 *
 * <p>The source is read inside one SQLite write transaction that is rolled back: one consistent
 * state, during which a server still running on the file waits to write. Run it with the server
 * stopped: what a server writes after the copy stays in the SQLite file only.
 *
 * <p>The parts: {@link EmptyTarget} (the target must hold no row), {@link TableCopy} (the tables
 * and their rows), {@link CopyVerification} (the check before the commit).
 */
public final class CopyToPostgres {
    /** Every table of the schema, parents before the rows that reference them. */
    public static final List<String> TABLES = List.of("users", "payment_sessions", "coin_ledger", "coin_lots",
            "lot_moves", "purchase_money_history", "holds", "wallet_operations", "processed_events", "stripe_charges",
            "stripe_refunds", "stripe_disputes", "stripe_fraud_warnings", "settings", "checkout_attempts", "app_events");

    /** How many rows one table received. */
    public record TableRows(String table, long rows) {}

    /** What was copied: rows per table in copy order, how many users, and their coins in total. */
    public record Summary(List<TableRows> tables, long users, long coins) {}

    /** The copy was refused or did not verify; nothing was committed. Its message is one line. */
    public static final class CopyFailedException extends RuntimeException {
        public CopyFailedException(String message) {
            super(message);
        }
    }

    private CopyToPostgres() {}

    /**
     * Copies the SQLite file {@code source} (which must exist; migrated to this version's schema
     * if older) into the PostgreSQL database {@code target}, whose schema is created if absent.
     *
     * @throws CopyFailedException when the target is not empty, a value does not fit, or the
     *     copy does not verify
     * @throws DatabaseException when a database cannot be reached or fails; for PostgreSQL one
     *     line naming host and port, never the password
     */
    public static Summary copy(Path source, DatabaseAccess target) {
        EmptyTarget.requireEmptyBeforeMigrating(target);
        String sourceName = "the SQLite database " + source;
        try (SqliteDatabase from = open(() -> Database.open(source), sourceName, true);
                PostgresDatabase to = open(() -> Database.openPostgres(target), "the target database", false)) {
            return from.inRolledBackTransaction(sqlite -> to.inTransaction(postgres -> {
                EmptyTarget.lockAndRequireEmpty(postgres);
                TableCopy.requireSameTables(sqlite, postgres);
                List<TableRows> copied = new ArrayList<>();
                for (String table : TABLES) {
                    copied.add(new TableRows(table, TableCopy.copyTable(sqlite, postgres, table)));
                }
                TableCopy.continueIdentities(postgres);
                CopyVerification.verify(sqlite, postgres);
                return new Summary(copied, Rows.count(postgres, "users"),
                        Rows.single(postgres, "SELECT COALESCE(SUM(balance), 0) FROM users"));
            }));
        }
    }

    /**
     * A database whose migration Flyway refused (not a coinpurse database, a newer one), or a
     * source file that cannot be opened at all, becomes one line.
     */
    private static <D extends Database> D open(Supplier<D> opener, String what, boolean isSource) {
        try {
            return opener.get();
        } catch (DatabaseException e) {
            String reason;
            if (e.getCause() instanceof FlywayException flyway) {
                reason = String.valueOf(flyway.getMessage()).strip().lines().findFirst().orElse("");
            } else if (isSource) {
                reason = RootCause.firstLine(e);
            } else {
                throw e;
            }
            throw new CopyFailedException("cannot prepare the schema of " + what + ": " + reason);
        }
    }
}
