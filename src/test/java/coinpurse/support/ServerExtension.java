package coinpurse.support;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fills the {@link RunningServer} fields: static ones before the class's {@code @BeforeAll}
 * methods, instance ones before each test's {@code @BeforeEach} methods. Each server is put in
 * JUnit's store of the class or of the test, which closes it (and deletes its temp folder) when
 * that class or test is done.
 */
public final class ServerExtension implements BeforeAllCallback, BeforeEachCallback {
    private static final ExtensionContext.Namespace SERVERS = ExtensionContext.Namespace.create(ServerExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        for (Field field : annotated(context.getRequiredTestClass(), true)) {
            fill(field, null, context);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            for (Field field : annotated(instance.getClass(), false)) {
                fill(field, instance, context);
            }
        }
    }

    private static void fill(Field field, Object instance, ExtensionContext context) {
        TestServer server = start(field.getAnnotation(RunningServer.class), field);
        // The store closes what it holds (TestServer is AutoCloseable) when its class or test ends.
        context.getStore(SERVERS).put(field, server);
        try {
            field.setAccessible(true);
            field.set(instance, server);
        } catch (IllegalAccessException e) {
            throw new ExtensionConfigurationException("cannot set " + field, e);
        }
    }

    private static TestServer start(RunningServer settings, Field field) {
        if (settings.movableClock() && (!settings.stripe() || settings.sandbox())) {
            throw new ExtensionConfigurationException(field + ": movableClock is for servers with the fake Stripe");
        }
        if (!settings.stripe() && !settings.sandbox()) {
            if (settings.env().length > 0) {
                throw new ExtensionConfigurationException(field + ": env is for servers with Stripe");
            }
            return TestServer.startWithoutStripeInTempDir();
        }
        Map<String, String> env = new HashMap<>();
        for (String setting : settings.env()) {
            int equals = setting.indexOf('=');
            if (equals <= 0) {
                throw new ExtensionConfigurationException(field + ": \"" + setting + "\" is not NAME=value");
            }
            env.put(setting.substring(0, equals), setting.substring(equals + 1));
        }
        if (settings.movableClock()) {
            return TestServer.startInTempDir(env, MovableClock.atNow());
        }
        return settings.sandbox() ? TestServer.startSandboxInTempDir(env) : TestServer.startInTempDir(env);
    }

    private static List<Field> annotated(Class<?> testClass, boolean statics) {
        return Arrays.stream(testClass.getDeclaredFields())
                .filter(field -> field.isAnnotationPresent(RunningServer.class))
                .filter(field -> Modifier.isStatic(field.getModifiers()) == statics)
                .peek(field -> {
                    if (field.getType() != TestServer.class) {
                        throw new ExtensionConfigurationException("@RunningServer goes on a TestServer field: " + field);
                    }
                })
                .toList();
    }
}
