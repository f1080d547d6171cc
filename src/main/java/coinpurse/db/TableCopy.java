package coinpurse.db;

import coinpurse.db.CopyToPostgres.CopyFailedException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code copy-db}'s copying: the same tables on both sides, each table's rows by column name in
 * batches, every value bound to its target column's type, and the numbered tables' ids continued.
 */
final class TableCopy {
    private static final String SCHEMA_HISTORY = "flyway_schema_history";
    private static final int BATCH = 500;
    /** The tables whose ids PostgreSQL numbers itself (identity columns), and so must go on after the copied ones. */
    private static final Map<String, String> IDENTITIES = Map.of("coin_ledger", "id", "coin_lots", "id",
            "lot_moves", "id", "purchase_money_history", "id", "app_events", "position");

    private TableCopy() {}

    /** Both schemas hold exactly the tables this copy knows: a table added later must not be left behind. */
    static void requireSameTables(Connection sqlite, Connection postgres) throws SQLException {
        Set<String> known = Set.copyOf(CopyToPostgres.TABLES);
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
    static long copyTable(Connection sqlite, Connection postgres, String table) throws SQLException {
        Map<String, Integer> targetTypes = columns(postgres, table);
        Map<String, Integer> sourceColumns = columns(sqlite, table);
        if (!sourceColumns.keySet().equals(targetTypes.keySet())) {
            throw new CopyFailedException("the columns of " + table + " differ: the source has "
                    + sourceColumns.keySet() + ", the target " + targetTypes.keySet() + "; nothing was written");
        }
        List<String> names = List.copyOf(sourceColumns.keySet());
        String columnList = String.join(", ", names.stream().map(TableCopy::quoted).toList());
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
    static void continueIdentities(Connection postgres) throws SQLException {
        try (Statement setval = postgres.createStatement()) {
            for (Map.Entry<String, String> identity : IDENTITIES.entrySet()) {
                setval.execute("SELECT setval(pg_get_serial_sequence('" + identity.getKey() + "', '" + identity.getValue()
                        + "'), COALESCE(MAX(" + identity.getValue() + "), 0) + 1, false) FROM " + identity.getKey());
            }
        }
    }
}
