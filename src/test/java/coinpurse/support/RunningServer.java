package coinpurse.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A {@link TestServer} field that JUnit fills, the way it fills a {@code @TempDir}: a static field
 * gets one server for the whole class, an instance field a fresh one for every test. Each server
 * runs on a temp folder of its own (its SQLite file, its secrets) and is closed, and the folder
 * deleted, after the class or the test. jqwik classes get their static fields filled the same way,
 * for the whole class ({@link ServerExtension} is a jqwik lifecycle hook too).
 *
 * <pre>{@code
 * @RunningServer(env = {"INTERNAL_API_KEY=" + API_KEY})
 * static TestServer server;
 * }</pre>
 *
 * <p>The field may instead be of a fixture type: an {@link AutoCloseable} built from the started
 * server by its constructor {@code (TestServer)} (which may seed it), whose {@code close()} closes the
 * server. The fixture's class may carry {@code @RunningServer} itself, with the settings every use of
 * it needs; the field's {@link #env} then adds to them.
 */
@Target({ElementType.FIELD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ServerExtension.class)
public @interface RunningServer {

    /** Extra settings as {@code NAME=value} environment variables, on top of {@link TestServer}'s own. */
    String[] env() default {};

    /** False: no Stripe key and no webhook secret, as a fresh install runs ({@link TestServer#startWithoutStripe}). */
    boolean stripe() default true;

    /**
     * True: {@code stripe.sandbox=true} and no Stripe key or webhook secret, as the README's quick start
     * runs ({@link TestServer#startSandbox}); {@link #env} adds to it.
     */
    boolean sandbox() default false;

    /**
     * True: the server's clock is a {@link MovableClock} at the start's moment, which stands still until
     * the test moves it ({@link TestServer#movableClock()}), so nothing depends on real time passing.
     */
    boolean movableClock() default false;
}
