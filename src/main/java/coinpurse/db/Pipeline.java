package coinpurse.db;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL connection that holds back {@link Deferred} statements and sends them with the next
 * statement the work prepares and runs, or with the {@code COMMIT}: one composite statement
 * (pgjdbc sends each part, then one Sync, so the server answers them all with one ReadyForQuery),
 * parts run in order, each with its own snapshot, exactly as if sent one by one. A rollback drops
 * what is queued. Anything else asked of the connection first sends what is queued, alone.
 */
final class Pipeline implements InvocationHandler {
    private static final String BEGIN = "BEGIN";

    private final Connection real;
    private final boolean transaction;
    private final List<Part> queued = new ArrayList<>();
    /** True once this transaction's BEGIN went to the server (and no COMMIT or ROLLBACK since). */
    private boolean begun;

    /** A queued statement, and where its rows go (null: nowhere). */
    private record Part(String sql, Object[] parameters, Deferred.Later<?> later) {}

    private Pipeline(Connection real, boolean transaction) {
        this.real = real;
        this.transaction = transaction;
        if (transaction) {
            queued.add(new Part(BEGIN, new Object[0], null));
        }
    }

    /** {@code real} (in autocommit), holding back deferred statements, each run in autocommit. */
    static Connection around(Connection real) {
        return proxy(new Pipeline(real, false));
    }

    /**
     * {@code real} (in autocommit), holding back deferred statements, in one transaction: its BEGIN
     * is held back too and goes with the first statement (the driver, left to start it, would send
     * it as a simple query of its own, answered apart); {@code commit} sends what is queued and
     * COMMIT, {@code rollback} a ROLLBACK if the transaction began. The work sees no autocommit.
     */
    static Connection transaction(Connection real) {
        return proxy(new Pipeline(real, true));
    }

    private static Connection proxy(Pipeline pipeline) {
        return (Connection) Proxy.newProxyInstance(Pipeline.class.getClassLoader(), new Class<?>[] {Connection.class},
                pipeline);
    }

    /** The pipeline of {@code connection}, or null when it is a plain connection. */
    static Pipeline of(Connection connection) {
        return Proxy.isProxyClass(connection.getClass())
                && Proxy.getInvocationHandler(connection) instanceof Pipeline pipeline ? pipeline : null;
    }

    void defer(String sql, Object[] parameters, Deferred.Later<?> later) {
        queued.add(new Part(sql, parameters.clone(), later));
        if (later != null) {
            later.waitFor(this);
        }
    }

    /** Sends what is queued, alone. */
    void flush() throws SQLException {
        if (!queued.isEmpty()) {
            try (PreparedStatement composite = send(null)) {
                // the parts' results were read by send
            }
        }
    }

    /** A plain statement of the connection (what is queued was sent already). */
    PreparedStatement prepareAlone(String sql) throws SQLException {
        return real.prepareStatement(sql);
    }

    /** Drops what is queued, a BEGIN not sent yet included: the work rolled back or the connection is being closed. */
    void discard() {
        queued.clear();
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "prepareStatement" -> {
                if (!queued.isEmpty() && args.length == 1) {
                    return QueuedStatement.create(this, (String) args[0]);
                }
                flush();
            }
            case "commit" -> {
                if (transaction) {
                    commit();
                    return null;
                }
            }
            case "rollback" -> {
                discard();
                if (transaction) {
                    rollback();
                    return null;
                }
            }
            case "getAutoCommit" -> {
                if (transaction) {
                    return false;
                }
            }
            case "close" -> discard();
            case "equals" -> {
                return proxy == args[0];
            }
            case "hashCode" -> {
                return System.identityHashCode(proxy);
            }
            case "toString" -> {
                return "pipelined " + real;
            }
            case "unwrap", "isWrapperFor", "isClosed" -> {
                // no statement: nothing to send first
            }
            default -> flush();
        }
        try {
            return method.invoke(real, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Sends what is queued and COMMIT, in one round trip; nothing when the work sent nothing. */
    private void commit() throws SQLException {
        if (!begun && queued.size() == 1) {
            queued.clear(); // only the BEGIN: no transaction to end
            return;
        }
        try (PreparedStatement composite = send(new Tail("COMMIT", List.of()))) {
            begun = false;
        }
    }

    private void rollback() throws SQLException {
        if (begun) {
            begun = false;
            try (Statement statement = real.createStatement()) {
                statement.execute("ROLLBACK");
            }
        }
    }

    /** The statement that ends a composite, with its parameter setters (each: method, then arguments). */
    record Tail(String sql, List<Object[]> setters) {}

    /**
     * Runs the queued parts, then {@code tail} if given, as one composite statement; hands each
     * part's rows to its {@link Deferred.Later}; answers the statement positioned on the tail's
     * result (on the last part's when no tail).
     */
    PreparedStatement send(Tail tail) throws SQLException {
        List<Part> parts = new ArrayList<>(queued);
        queued.clear();
        if (!parts.isEmpty() && parts.get(0).sql().equals(BEGIN) && parts.get(0).parameters().length == 0) {
            begun = true;
        }
        StringBuilder sql = new StringBuilder();
        for (Part part : parts) {
            sql.append(part.sql()).append(";\n");
        }
        if (tail != null) {
            sql.append(tail.sql());
        } else {
            sql.setLength(sql.length() - 2);
        }
        PreparedStatement composite = real.prepareStatement(sql.toString());
        try {
            int offset = 0;
            for (Part part : parts) {
                Deferred.bind(composite, offset, part.parameters());
                offset += part.parameters().length;
            }
            if (tail != null) {
                QueuedStatement.replay(composite, offset, tail.setters());
            }
            boolean rows = composite.execute();
            for (int i = 0; i < parts.size(); i++) {
                Deferred.Later<?> later = parts.get(i).later();
                if (later != null) {
                    if (!rows) {
                        throw new SQLException("a deferred query gave no rows: " + parts.get(i).sql());
                    }
                    later.take(composite.getResultSet());
                }
                if (i < parts.size() - 1 || tail != null) {
                    rows = composite.getMoreResults();
                }
            }
            return composite;
        } catch (SQLException | RuntimeException e) {
            composite.close();
            throw e;
        }
    }
}
