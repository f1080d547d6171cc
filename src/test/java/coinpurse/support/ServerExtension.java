package coinpurse.support;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.lifecycle.AfterContainerHook;
import net.jqwik.api.lifecycle.BeforeContainerHook;
import net.jqwik.api.lifecycle.ContainerLifecycleContext;
import net.jqwik.api.lifecycle.PropagationMode;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fills the {@link RunningServer} fields. In JUnit classes: static ones before the class's
 * {@code @BeforeAll} methods, instance ones before each test's {@code @BeforeEach} methods, each put
 * in JUnit's store of the class or of the test, which closes it (and deletes its temp folder) when
 * that class or test is done. In jqwik classes, which JUnit extensions do not reach, this is a jqwik
 * lifecycle hook as well (registered for every container in
 * {@code META-INF/services/net.jqwik.api.lifecycle.LifecycleHook}): static fields are filled before
 * the container and closed after it.
 */
public final class ServerExtension implements BeforeAllCallback, BeforeEachCallback, BeforeContainerHook,
        AfterContainerHook {
    private static final ExtensionContext.Namespace SERVERS = ExtensionContext.Namespace.create(ServerExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        for (Field field : annotated(context.getRequiredTestClass(), true)) {
            // The store closes what it holds (servers and fixtures are AutoCloseable) when its class ends.
            context.getStore(SERVERS).put(field, fill(field, null));
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            for (Field field : annotated(instance.getClass(), false)) {
                context.getStore(SERVERS).put(field, fill(field, instance));
            }
        }
    }

    // ---- jqwik ----

    /** Registered for the whole run (on jqwik's engine), so it must reach every class below. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    /** Only classes with static {@link RunningServer} fields. */
    @Override
    public boolean appliesTo(Optional<AnnotatedElement> element) {
        return element.filter(Class.class::isInstance).map(Class.class::cast)
                .filter(container -> !annotated(container, true).isEmpty()).isPresent();
    }

    @Override
    public void beforeContainer(ContainerLifecycleContext context) {
        Class<?> container = context.optionalContainerClass().orElseThrow();
        List<AutoCloseable> started = new ArrayList<>();
        try {
            for (Field field : annotated(container, true)) {
                started.add(fill(field, null));
            }
        } catch (RuntimeException | Error e) {
            closeAll(started, e);
            throw e;
        }
    }

    @Override
    public void afterContainer(ContainerLifecycleContext context) throws Exception {
        List<AutoCloseable> started = new ArrayList<>();
        for (Field field : annotated(context.optionalContainerClass().orElseThrow(), true)) {
            field.setAccessible(true);
            if (field.get(null) instanceof AutoCloseable running) {
                started.add(running);
            }
            field.set(null, null);
        }
        closeAll(started, null);
    }

    // ---- both ----

    /** Starts the server (and its fixture) that {@code field} asks for and sets it; returns what closes it. */
    private static AutoCloseable fill(Field field, Object instance) {
        Class<?> fixture = field.getType();
        TestServer server = start(settings(field, fixture), field);
        AutoCloseable value = server;
        try {
            if (fixture != TestServer.class) {
                value = fixture(fixture, server);
            }
            field.setAccessible(true);
            field.set(instance, value);
            return value;
        } catch (IllegalAccessException e) {
            server.close();
            throw new ExtensionConfigurationException("cannot set " + field, e);
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    /**
     * A fixture over {@code server}, built by its constructor that takes it (and may seed it); closing
     * the fixture closes the server.
     */
    private static AutoCloseable fixture(Class<?> type, TestServer server) {
        try {
            Constructor<?> constructor = type.getDeclaredConstructor(TestServer.class);
            constructor.setAccessible(true);
            return (AutoCloseable) constructor.newInstance(server);
        } catch (InvocationTargetException e) {
            // The fixture's own failure (a seeding assertion), as it was thrown.
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new ExtensionConfigurationException(type + ": a fixture needs a constructor taking a TestServer", e);
        }
    }

    /** The field's settings; a fixture's class may carry its own, to which the field's {@code env} adds. */
    private static Settings settings(Field field, Class<?> fixture) {
        RunningServer own = field.getAnnotation(RunningServer.class);
        RunningServer base = fixture.getAnnotation(RunningServer.class);
        if (base == null) {
            return new Settings(own, List.of(own.env()));
        }
        List<String> env = new ArrayList<>(List.of(base.env()));
        env.addAll(List.of(own.env()));
        return new Settings(base, env);
    }

    private record Settings(RunningServer kind, List<String> env) {}

    private static TestServer start(Settings settings, Field field) {
        RunningServer kind = settings.kind();
        if (kind.movableClock() && (!kind.stripe() || kind.sandbox())) {
            throw new ExtensionConfigurationException(field + ": movableClock is for servers with the fake Stripe");
        }
        if (!kind.stripe() && !kind.sandbox()) {
            if (!settings.env().isEmpty()) {
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
        if (kind.movableClock()) {
            return TestServer.startInTempDir(env, MovableClock.atNow());
        }
        return kind.sandbox() ? TestServer.startSandboxInTempDir(env) : TestServer.startInTempDir(env);
    }

    private static List<Field> annotated(Class<?> testClass, boolean statics) {
        return Arrays.stream(testClass.getDeclaredFields())
                .filter(field -> field.isAnnotationPresent(RunningServer.class))
                .filter(field -> Modifier.isStatic(field.getModifiers()) == statics)
                .peek(field -> {
                    if (field.getType() != TestServer.class && !AutoCloseable.class.isAssignableFrom(field.getType())) {
                        throw new ExtensionConfigurationException("@RunningServer goes on a TestServer field, or on"
                                + " a fixture's (AutoCloseable, built from a TestServer): " + field);
                    }
                })
                .toList();
    }

    private static void closeAll(List<AutoCloseable> started, Throwable cause) {
        RuntimeException failure = null;
        for (AutoCloseable running : started) {
            try {
                running.close();
            } catch (Exception e) {
                if (cause != null) {
                    cause.addSuppressed(e);
                } else if (failure == null) {
                    failure = new IllegalStateException("closing a test server failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
