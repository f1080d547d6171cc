package coinpurse.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Statements whose answer the work does not wait for. On a PostgreSQL transaction's connection
 * ({@link Pipeline}) they are queued and sent with the next statement the work runs, or with the
 * transaction's {@code COMMIT}: several statements, one round trip, run by the server in the order
 * they were given, each as if sent alone. Anywhere else (SQLite, whose statements cost no round
 * trip) they run at once.
 *
 * <p>What may be deferred: a lock, or a write whose count the work does not read, whose failure
 * may fail the whole transaction (it surfaces at the next statement or at the commit), and whose
 * effect no Java code needs before the next statement. A query whose rows may be read later
 * ({@link #query}) rides along the same way.
 */
public final class Deferred {
    private Deferred() {}

    /** Runs {@code sql} with {@code parameters} (strings, numbers or null), now or with the next statement. */
    public static void execute(Connection connection, String sql, Object... parameters) throws SQLException {
        Pipeline pipeline = Pipeline.of(connection);
        if (pipeline != null) {
            pipeline.defer(sql, parameters, null);
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, 0, parameters);
            statement.execute();
        }
    }

    /**
     * Runs the query {@code sql}, now or with the next statement; {@link Later#get} answers what
     * {@code mapper} made of its rows, sending what is queued first if it was not sent yet.
     */
    public static <T> Later<T> query(Connection connection, Mapper<T> mapper, String sql, Object... parameters)
            throws SQLException {
        Later<T> later = new Later<>(mapper);
        Pipeline pipeline = Pipeline.of(connection);
        if (pipeline != null) {
            pipeline.defer(sql, parameters, later);
            return later;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rows = bind(statement, 0, parameters).executeQuery()) {
            later.take(rows);
        }
        return later;
    }

    static PreparedStatement bind(PreparedStatement statement, int offset, Object[] parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(offset + i + 1, parameters[i]);
        }
        return statement;
    }

    /** Makes a value of a query's rows (positioned before the first). */
    @FunctionalInterface
    public interface Mapper<T> {
        T map(ResultSet rows) throws SQLException;
    }

    /** The value of a deferred query, once its rows came. */
    public static final class Later<T> {
        private final Mapper<T> mapper;
        private Pipeline pending;
        private boolean done;
        private T value;

        Later(Mapper<T> mapper) {
            this.mapper = mapper;
        }

        void waitFor(Pipeline pipeline) {
            this.pending = pipeline;
        }

        void take(ResultSet rows) throws SQLException {
            value = mapper.map(rows);
            done = true;
            pending = null;
        }

        /**
         * The query's value; if it was not sent yet, what is queued goes now.
         *
         * @throws IllegalStateException the transaction rolled back before the query was sent
         */
        public T get() throws SQLException {
            if (!done && pending != null) {
                pending.flush();
            }
            if (!done) {
                throw new IllegalStateException("a deferred query whose transaction ended before it was sent");
            }
            return value;
        }
    }
}
