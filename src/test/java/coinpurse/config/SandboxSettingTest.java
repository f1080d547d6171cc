package coinpurse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code stripe.sandbox}: off unless set; never with a live key; loopback only, listening on
 * 127.0.0.1 unless told another loopback address; and what {@code serve} and {@code reconcile} make of it.
 */
class SandboxSettingTest {
    @TempDir
    Path dir;

    @Test
    void offByDefaultAndListeningEverywhere() {
        Config config = ConfigLoader.load(Optional.empty(), Map.of(), dir);

        assertFalse(config.stripeSandbox());
        assertEquals("0.0.0.0", config.serverHost());
    }

    @Test
    void onItListensOnLoopbackByDefault() {
        Config config = ConfigLoader.load(Optional.empty(), Map.of("STRIPE_SANDBOX", "true"), dir);

        assertTrue(config.stripeSandbox());
        assertEquals("127.0.0.1", config.serverHost());
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "LocalHost"})
    void anyLoopbackHostIsFine(String host) throws IOException {
        assertEquals(host, load("stripe.sandbox=true\nserver.host=" + host + "\n", Map.of()).serverHost());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "192.168.1.20", "10.0.0.1", "shop.example.com", "localhost.example.com"})
    void aHostOthersCanReachIsRefusedNamingBothKeys(String host) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("stripe.sandbox=true\nserver.host=" + host + "\n", Map.of()));

        assertTrue(e.getMessage().startsWith("server.host: \"" + host + "\" is not a loopback address, and"
                + " stripe.sandbox=true serves on loopback only"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sk_live_abc123", "rk_live_abc123"})
    void aLiveKeyIsRefusedWithoutShowingIt(String key) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("stripe.sandbox=true\n", Map.of("STRIPE_SECRET_KEY", key)));

        assertTrue(e.getMessage().startsWith("stripe.sandbox: the sandbox never runs with a live Stripe key"),
                e.getMessage());
        assertFalse(e.getMessage().contains("abc123"), e.getMessage());
    }

    @Test
    void aTestKeyBesideItIsAccepted() throws IOException {
        assertTrue(load("stripe.sandbox=true\nstripe.secret_key=sk_test_abc\n", Map.of()).stripeSandbox());
    }

    @Test
    void aStartWithALiveKeyAndTheSandboxIsOneLineAndExitTwo() throws IOException {
        Path config = Files.writeString(dir.resolve("live.properties"), String.join("\n",
                "stripe.sandbox=true",
                "stripe.secret_key=sk_live_do_not_print_me",
                "db.path=" + dir.resolve("db/coinpurse.db"), ""));

        CliRun run = CliRun.run("serve", "--config", config.toString());

        assertEquals(2, run.exit(), run.out() + run.err());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("coinpurse: configuration error: stripe.sandbox: "), err);
        assertFalse(err.contains("do_not_print_me"), err);
        assertFalse(Files.exists(dir.resolve("db")), "nothing written before the checks pass");
    }

    @Test
    void reconcileWithTheSandboxSaysThereIsNothingToAskRatherThanCallingStripe() throws IOException {
        Path config = Files.writeString(dir.resolve("sandbox.properties"), String.join("\n",
                "stripe.sandbox=true",
                "stripe.secret_key=sk_test_would_reach_stripe",
                "db.path=" + dir.resolve("db/coinpurse.db"), ""));

        CliRun run = CliRun.run("reconcile", "--config", config.toString());

        assertEquals(0, run.exit(), run.out() + run.err());
        assertEquals("stripe.sandbox=true: the sandbox's Stripe lives in the serving process's memory and its events"
                + " reach the webhook at once; nothing to reconcile", run.out().strip());
        assertFalse(Files.exists(dir.resolve("db")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "1", "on"})
    void anythingButTrueOrFalseIsRefused(String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> load("stripe.sandbox=" + value + "\n", Map.of()));
        assertEquals("stripe.sandbox: \"" + value + "\" is neither true nor false", e.getMessage());
    }

    @Test
    void theExampleConfigDocumentsItAndStartsWithIt() throws IOException {
        String example = Files.readString(Path.of("config.example.properties"));
        assertTrue(example.contains("\nstripe.sandbox=false\n"), "config.example.properties documents stripe.sandbox");
        // A copy of the example with the sandbox switched on must start: it may not pin a non-loopback host.
        Path copy = Files.writeString(dir.resolve("config.properties"),
                example.replace("\nstripe.sandbox=false\n", "\nstripe.sandbox=true\n"));
        assertEquals("127.0.0.1", ConfigLoader.load(Optional.of(copy), Map.of(), dir).serverHost());
    }

    private Config load(String text, Map<String, String> env) throws IOException {
        Path file = Files.writeString(dir.resolve("test.properties"), text);
        return ConfigLoader.load(Optional.of(file), env, dir);
    }
}
