package coinpurse.db;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Connections that keep their compiled statements. sqlite-jdbc compiles the SQL on every
 * {@code prepareStatement} (it has no cache of its own, and HikariCP leaves statement caching to
 * the driver), which costs more than running these small statements. Here {@code
 * prepareStatement(sql)} hands back the statement this connection compiled for {@code sql}
 * before, if it is not in use, and closing it only resets it (its result set closed, its
 * parameters cleared) for the next use. Up to {@code capacity} idle statements per connection,
 * the least recently used dropped. Other forms of {@code prepareStatement} are not cached.
 */
final class StatementCache implements DataSource {
    private final DataSource target;
    private final int capacity;

    StatementCache(DataSource target, int capacity) {
        this.target = target;
        this.capacity = capacity;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return new CachingConnection(target.getConnection()).proxy;
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return new CachingConnection(target.getConnection(user, password)).proxy;
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return target.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return target.isWrapperFor(type);
    }

    /** What identifies a cached statement: its SQL, and whether it returns generated keys. */
    private record Key(String sql, int generatedKeys) {}

    /** One connection (used by one thread at a time, as a pool lends it) and its idle statements. */
    private final class CachingConnection implements InvocationHandler {
        private final Connection connection;
        final Connection proxy;
        private final Map<Key, CachedStatement> idle = new LinkedHashMap<>(capacity, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, CachedStatement> eldest) {
                if (size() <= capacity) {
                    return false;
                }
                eldest.getValue().discard();
                return true;
            }
        };

        CachingConnection(Connection connection) {
            this.connection = connection;
            this.proxy = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, this);
        }

        @Override
        public Object invoke(Object self, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "prepareStatement" -> {
                    if (args.length == 1) {
                        return prepare(new Key((String) args[0], -1));
                    }
                    if (args.length == 2 && args[1] instanceof Integer generatedKeys) {
                        return prepare(new Key((String) args[0], generatedKeys));
                    }
                }
                case "close" -> {
                    for (CachedStatement statement : idle.values()) {
                        statement.discard();
                    }
                    idle.clear();
                }
                case "equals" -> {
                    return self == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(self);
                }
                default -> { }
            }
            return call(connection, method, args);
        }

        private PreparedStatement prepare(Key key) throws SQLException {
            CachedStatement cached = idle.remove(key);
            if (cached == null) {
                PreparedStatement compiled = key.generatedKeys() < 0
                        ? connection.prepareStatement(key.sql())
                        : connection.prepareStatement(key.sql(), key.generatedKeys());
                cached = new CachedStatement(this, key, compiled);
            }
            cached.inUse = true;
            return cached.proxy;
        }

        /** A statement closed by its user: kept for the next use, unless one is kept for its SQL already. */
        void checkIn(CachedStatement statement) throws SQLException {
            if (connection.isClosed() || idle.putIfAbsent(statement.key, statement) != null) {
                statement.discard();
            }
        }
    }

    /** A compiled statement of one connection, lent out by {@code prepareStatement} until closed. */
    private static final class CachedStatement implements InvocationHandler {
        private final CachingConnection owner;
        final Key key;
        private final PreparedStatement statement;
        final PreparedStatement proxy;
        private final List<ResultSet> results = new ArrayList<>(1);
        boolean inUse;

        CachedStatement(CachingConnection owner, Key key, PreparedStatement statement) {
            this.owner = owner;
            this.key = key;
            this.statement = statement;
            this.proxy = (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, this);
        }

        @Override
        public Object invoke(Object self, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close" -> {
                    release();
                    return null;
                }
                case "isClosed" -> {
                    return !inUse;
                }
                case "getConnection" -> {
                    return owner.proxy;
                }
                case "equals" -> {
                    return self == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(self);
                }
                default -> { }
            }
            if (!inUse) {
                throw new SQLException("the statement is closed");
            }
            Object result = call(statement, method, args);
            if (result instanceof ResultSet rows && !results.contains(rows)) {
                results.add(rows);
            }
            return result;
        }

        /** Resets the statement for its next user and gives it back to its connection. */
        private void release() throws SQLException {
            if (!inUse) {
                return;
            }
            inUse = false;
            try {
                for (ResultSet rows : results) {
                    rows.close();
                }
                results.clear();
                statement.clearParameters();
            } catch (SQLException e) {
                discard();
                throw e;
            }
            owner.checkIn(this);
        }

        void discard() {
            try {
                statement.close();
            } catch (SQLException ignored) {
                // Closing frees the compiled statement; a failure leaves nothing else to undo.
            }
        }
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
