package coinpurse.db;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A statement prepared while {@link Pipeline} holds deferred ones: its setters are noted, and its
 * first execution sends the deferred statements and this one as one composite. Anything else
 * (a second execution, a batch, ...) runs on a statement of its own, after what is queued was sent.
 */
final class QueuedStatement implements InvocationHandler {
    private static final Set<String> EXECUTIONS = Set.of("executeQuery", "executeUpdate", "execute");

    private final Pipeline pipeline;
    private final String sql;
    private final List<Object[]> setters = new ArrayList<>();
    private PreparedStatement target;
    private boolean composite;

    private QueuedStatement(Pipeline pipeline, String sql) {
        this.pipeline = pipeline;
        this.sql = sql;
    }

    static PreparedStatement create(Pipeline pipeline, String sql) {
        return (PreparedStatement) Proxy.newProxyInstance(QueuedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, new QueuedStatement(pipeline, sql));
    }

    /** Calls the setters on {@code statement}, a parameter's index moved by {@code offset}. */
    static void replay(PreparedStatement statement, int offset, List<Object[]> setters) throws SQLException {
        for (Object[] call : setters) {
            Method method = (Method) call[0];
            Object[] args = ((Object[]) call[1]).clone();
            if (isParameterSetter(method, args)) {
                args[0] = (Integer) args[0] + offset;
            }
            try {
                method.invoke(statement, args);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof SQLException sql ? sql : new SQLException(e.getCause());
            } catch (IllegalAccessException e) {
                throw new SQLException(e);
            }
        }
    }

    private static boolean isParameterSetter(Method method, Object[] args) {
        return method.getName().startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        switch (name) {
            case "equals" -> {
                return proxy == args[0];
            }
            case "hashCode" -> {
                return System.identityHashCode(proxy);
            }
            case "toString" -> {
                return "queued " + sql;
            }
            case "close" -> {
                if (target != null) {
                    target.close();
                }
                return null;
            }
            default -> { }
        }
        if (target == null && EXECUTIONS.contains(name) && (args == null || args.length == 0)) {
            target = pipeline.send(new Pipeline.Tail(sql, setters));
            composite = true;
            return switch (name) {
                case "executeQuery" -> target.getResultSet();
                case "executeUpdate" -> target.getUpdateCount();
                default -> target.getResultSet() != null;
            };
        }
        if (target == null && method.getReturnType() == void.class && args != null) {
            setters.add(new Object[] {method, args});
            return null;
        }
        if (target == null || composite && (EXECUTIONS.contains(name) || name.startsWith("set")
                || name.equals("addBatch") || name.equals("executeBatch"))) {
            // From here on a statement of its own: the composite must not run the deferred parts again.
            if (target != null) {
                target.close();
            }
            pipeline.flush();
            target = pipeline.prepareAlone(sql);
            composite = false;
            replay(target, 0, setters);
        }
        try {
            Object result = method.invoke(target, args);
            if (method.getReturnType() == void.class && args != null && name.startsWith("set")) {
                setters.add(new Object[] {method, args});
            }
            return result;
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
