package coinpurse.db;

import coinpurse.config.DatabaseAccess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.commons.dbcp2.BasicDataSource;
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
 */
public final class CopyToPostgres {
    /** Every table of the schema, parents before the rows that reference them. */
    public static final List<String> TABLES = List.of("users", "payment_sessions", "coin_ledger", "coin_lots",
            "lot_moves", "purchase_money_history", "holds", "wallet_operations", "processed_events", "stripe_charges",
            "stripe_refunds", "stripe_disputes", "stripe_fraud_warnings", "settings", "checkout_attempts");
    /** The tables whose ids PostgreSQL numbers itself (identity columns), and so must go on after the copied ones. */
    private static final Map<String, String> IDENTITIES = Map.of("coin_ledger", "id", "coin_lots", "id",
            "lot_moves", "id", "purchase_money_history", "id");
    private static final String SCHEMA_HISTORY = "flyway_schema_history";
    private static final int BATCH = 500;
    /** How many mismatches a verification failure names before "and N more". */
    private static final int NAMED = 3;

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
        requireEmptyBeforeMigrating(target);
        try (Database from = open(() -> Database.open(source), "the SQLite database " + source);
                Database to = open(() -> Database.openPostgres(target), "the target database")) {
            return from.inRolledBackTransaction(sqlite -> to.inTransaction(postgres -> {
                lockAndRequireEmpty(postgres);
                requireSameTables(sqlite, postgres);
                List<TableRows> copied = new ArrayList<>();
                for (String table : TABLES) {
                    copied.add(new TableRows(table, copyTable(sqlite, postgres, table)));
                }
                continueLedgerIds(postgres);
                verify(sqlite, postgres);
                return new Summary(copied, count(postgres, "users"),
                        single(postgres, "SELECT COALESCE(SUM(balance), 0) FROM users"));
            }));
        }
    }

    /** A database whose migration Flyway refused (not a coinpurse database, a newer one) becomes one line. */
    private static Database open(Supplier<Database> opener, String what) {
        try {
            return opener.get();
        } catch (DatabaseException e) {
            if (!(e.getCause() instanceof FlywayException flyway)) {
                throw e;
            }
            String reason = String.valueOf(flyway.getMessage()).strip().lines().findFirst().orElse("");
            throw new CopyFailedException("cannot prepare the schema of " + what + ": " + reason);
        }
    }

    /**
     * Refuses a target that holds coinpurse rows before Flyway touches it, so that a refused run
     * does not even migrate an older schema there. The check inside the copy's transaction
     * ({@link #lockAndRequireEmpty}) is the one that counts.
     */
    private static void requireEmptyBeforeMigrating(DatabaseAccess target) {
        BasicDataSource dataSource = PostgresPool.create(target);
        try {
            PostgresPool.checkReachable(dataSource, target);
            try (Connection connection = dataSource.getConnection()) {
                refuseRows(connection, true);
            } catch (SQLException e) {
                throw new DatabaseException("cannot read the target database", e);
            }
        } finally {
            try {
                dataSource.close();
            } catch (SQLException ignored) {
                // Only the check's own connection; the copy opens its own.
            }
        }
    }

    /**
     * Locks every table against writers until the copy ends (readers go on), then refuses any row:
     * nothing can slip in between the check and the copy.
     */
    private static void lockAndRequireEmpty(Connection postgres) throws SQLException {
        try (Statement lock = postgres.createStatement()) {
            lock.execute("LOCK TABLE " + String.join(", ", TABLES) + " IN EXCLUSIVE MODE");
        }
        refuseRows(postgres, false);
    }

    private static void refuseRows(Connection postgres, boolean tablesMayBeMissing) throws SQLException {
        List<String> holding = new ArrayList<>();
        for (String table : TABLES) {
            if (tablesMayBeMissing && !exists(postgres, table)) {
                continue;
            }
            long rows = count(postgres, table);
            if (rows > 0) {
                holding.add(table + ": " + rows + (rows == 1 ? " row" : " rows"));
            }
        }
        if (!holding.isEmpty()) {
            String settingsOnly = holding.size() == 1 && holding.get(0).startsWith("settings:")
                    ? ", the instance id of a server once started on it" : "";
            throw new CopyFailedException("the target database is not empty (" + String.join(", ", holding)
                    + settingsOnly + "): copy-db fills only an empty database; nothing was written");
        }
    }

    private static boolean exists(Connection postgres, String table) throws SQLException {
        try (PreparedStatement query = postgres.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            query.setString(1, table);
            try (ResultSet row = query.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }

    /** Both schemas hold exactly the tables this copy knows: a table added later must not be left behind. */
    private static void requireSameTables(Connection sqlite, Connection postgres) throws SQLException {
        Set<String> known = Set.copyOf(TABLES);
        Set<String> inSource = tables(sqlite, """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'""");
        Set<String> inTarget = tables(postgres, """
                SELECT table_name FROM information_schema.tables
                WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'""");
        for (Set<String> found : List.of(inSource, inTarget)) {
            found.remove(SCHEMA_HISTORY);
            if (!found.equals(known)) {
                Set<String> unknown = new LinkedHashSet<>(found);
                unknown.removeAll(known);
                Set<String> missing = new LinkedHashSet<>(known);
                missing.removeAll(found);
                throw new CopyFailedException("the " + (found == inSource ? "source" : "target")
                        + " database's tables differ from what copy-db copies (unknown: " + unknown + ", missing: "
                        + missing + "); nothing was written");
            }
        }
    }

    private static Set<String> tables(Connection connection, String sql) throws SQLException {
        Set<String> names = new LinkedHashSet<>();
        try (Statement query = connection.createStatement(); ResultSet rows = query.executeQuery(sql)) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    /** Copies one table's rows by column name, in the source's row order; returns how many. */
    private static long copyTable(Connection sqlite, Connection postgres, String table) throws SQLException {
        Map<String, Integer> targetTypes = columns(postgres, table);
        Map<String, Integer> sourceColumns = columns(sqlite, table);
        if (!sourceColumns.keySet().equals(targetTypes.keySet())) {
            throw new CopyFailedException("the columns of " + table + " differ: the source has "
                    + sourceColumns.keySet() + ", the target " + targetTypes.keySet() + "; nothing was written");
        }
        List<String> names = List.copyOf(sourceColumns.keySet());
        String columnList = String.join(", ", names.stream().map(CopyToPostgres::quoted).toList());
        String insert = "INSERT INTO " + table + " (" + columnList + ") VALUES ("
                + String.join(", ", names.stream().map(name -> "?").toList()) + ")";
        long copied = 0;
        try (Statement select = sqlite.createStatement();
                ResultSet rows = select.executeQuery("SELECT " + columnList + " FROM " + table + " ORDER BY rowid");
                PreparedStatement into = postgres.prepareStatement(insert)) {
            while (rows.next()) {
                copied++;
                for (int c = 0; c < names.size(); c++) {
                    bind(into, c + 1, targetTypes.get(names.get(c)), rows.getObject(c + 1),
                            table + "." + names.get(c) + " of row " + copied);
                }
                into.addBatch();
                if (copied % BATCH == 0) {
                    into.executeBatch();
                }
            }
            into.executeBatch();
        }
        return copied;
    }

    /** The table's columns in order, each with its JDBC type. */
    private static Map<String, Integer> columns(Connection connection, String table) throws SQLException {
        Map<String, Integer> columns = new LinkedHashMap<>();
        try (Statement query = connection.createStatement();
                ResultSet none = query.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
            ResultSetMetaData meta = none.getMetaData();
            for (int c = 1; c <= meta.getColumnCount(); c++) {
                columns.put(meta.getColumnName(c), meta.getColumnType(c));
            }
        }
        return columns;
    }

    private static String quoted(String column) {
        return '"' + column.replace("\"", "\"\"") + '"';
    }

    /**
     * Binds a SQLite value to the target column's type. SQLite keeps whatever it was given, so a
     * value that is not what the column says (text in a number column) stops the copy, named,
     * rather than being read as 0.
     */
    private static void bind(PreparedStatement into, int index, int type, Object value, String where)
            throws SQLException {
        if (value == null) {
            into.setNull(index, type);
            return;
        }
        switch (type) {
            case Types.BIGINT -> into.setLong(index, wholeNumber(value, where));
            case Types.INTEGER, Types.SMALLINT -> {
                long number = wholeNumber(value, where);
                if (number != (int) number) {
                    throw new CopyFailedException(where + " holds " + number + ", too large for its column;"
                            + " nothing was written");
                }
                into.setInt(index, (int) number);
            }
            case Types.VARCHAR, Types.CHAR, Types.LONGVARCHAR -> into.setString(index, value.toString());
            default -> into.setObject(index, value, type);
        }
    }

    private static long wholeNumber(Object value, String where) {
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p53) {
            return d.longValue();
        }
        if (value instanceof String text) {
            try {
                return Long.parseLong(text.strip());
            } catch (NumberFormatException notANumber) {
                // Named below.
            }
        }
        String shown = String.valueOf(value);
        throw new CopyFailedException(where + " holds '" + (shown.length() > 40 ? shown.substring(0, 40) + "…" : shown)
                + "', not a whole number; nothing was written");
    }

    /** Each numbered table numbers its next row after the highest copied id, as SQLite would have done. */
    private static void continueLedgerIds(Connection postgres) throws SQLException {
        try (Statement setval = postgres.createStatement()) {
            for (Map.Entry<String, String> identity : IDENTITIES.entrySet()) {
                setval.execute("SELECT setval(pg_get_serial_sequence('" + identity.getKey() + "', '" + identity.getValue()
                        + "'), COALESCE(MAX(" + identity.getValue() + "), 0) + 1, false) FROM " + identity.getKey());
            }
        }
    }

    /**
     * Before the commit: every table holds as many rows as the source's, every user's balance is
     * the sum of their ledger here, and each user's ledger sums to what it does in the source.
     */
    private static void verify(Connection sqlite, Connection postgres) throws SQLException {
        List<String> problems = new ArrayList<>();
        for (String table : TABLES) {
            long inSource = count(sqlite, table);
            long inTarget = count(postgres, table);
            if (inSource != inTarget) {
                problems.add(table + " has " + inTarget + " rows, the source " + inSource);
            }
        }
        try (Statement query = postgres.createStatement();
                ResultSet rows = query.executeQuery("""
                        SELECT u.id, u.balance, COALESCE(SUM(l.delta), 0) AS ledger
                        FROM users u LEFT JOIN coin_ledger l ON l.user_id = u.id
                        GROUP BY u.id, u.balance
                        HAVING u.balance <> COALESCE(SUM(l.delta), 0)
                        ORDER BY u.id""")) {
            while (rows.next()) {
                problems.add("user " + rows.getString(1) + " has a balance of " + rows.getLong(2)
                        + " but a ledger summing to " + rows.getLong(3));
            }
        }
        Map<String, Long> sourceSums = ledgerSums(sqlite);
        Map<String, Long> targetSums = ledgerSums(postgres);
        Set<String> users = new LinkedHashSet<>(sourceSums.keySet());
        users.addAll(targetSums.keySet());
        for (String user : users) {
            Long inSource = sourceSums.get(user);
            Long inTarget = targetSums.get(user);
            if (!Objects.equals(inSource, inTarget)) {
                problems.add("user " + user + "'s ledger sums to " + inTarget + ", in the source to " + inSource);
            }
        }
        if (!problems.isEmpty()) {
            String named = String.join("; ", problems.subList(0, Math.min(NAMED, problems.size())));
            String more = problems.size() > NAMED ? " (and " + (problems.size() - NAMED) + " more)" : "";
            throw new CopyFailedException("the copy does not verify: " + named + more
                    + "; rolled back, nothing was written");
        }
    }

    /** Each user's ledger: the sum of its deltas. */
    private static Map<String, Long> ledgerSums(Connection connection) throws SQLException {
        Map<String, Long> sums = new TreeMap<>();
        try (Statement query = connection.createStatement();
                ResultSet rows = query.executeQuery("SELECT user_id, SUM(delta) FROM coin_ledger GROUP BY user_id")) {
            while (rows.next()) {
                sums.put(rows.getString(1), rows.getLong(2));
            }
        }
        return sums;
    }

    private static long count(Connection connection, String table) throws SQLException {
        return single(connection, "SELECT COUNT(*) FROM " + table);
    }

    private static long single(Connection connection, String sql) throws SQLException {
        try (Statement query = connection.createStatement(); ResultSet row = query.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
