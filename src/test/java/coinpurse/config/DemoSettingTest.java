package coinpurse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code app.demo}: off unless set to true, and never together with a live Stripe key. */
class DemoSettingTest {
    @TempDir
    Path dir;

    @Test
    void theDemoIsOffByDefault() {
        assertFalse(ConfigLoader.load(Optional.empty(), Map.of(), dir).demo());
    }

    @Test
    void trueOrFalseInTheFileOrTheEnvironment() throws IOException {
        assertTrue(load("app.demo=true\n", Map.of()).demo());
        assertFalse(load("app.demo=false\n", Map.of()).demo());
        assertTrue(load("app.demo=TRUE\n", Map.of()).demo());
        assertFalse(load("app.demo=true\n", Map.of("APP_DEMO", "false")).demo());
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "1", "on", "tru"})
    void anythingButTrueOrFalseIsRefused(String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> load("app.demo=" + value + "\n", Map.of()));
        assertEquals("app.demo: \"" + value + "\" is neither true nor false", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sk_live_abc123", "rk_live_abc123"})
    void aLiveKeyWithTheDemoIsRefusedWithoutShowingTheKey(String key) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("app.demo=true\nstripe.secret_key=" + key + "\n", Map.of()));
        assertTrue(e.getMessage().startsWith("app.demo: the demo page is never served with a live Stripe key"),
                e.getMessage());
        assertFalse(e.getMessage().contains("abc123"), e.getMessage());
    }

    @Test
    void aLiveKeyFromTheEnvironmentIsRefusedToo() throws IOException {
        assertThrows(ConfigException.class, () -> load("app.demo=true\n", Map.of("STRIPE_SECRET_KEY", "sk_live_abc")));
    }

    @Test
    void aLiveKeyWithoutTheDemoAndATestKeyWithItAreFine() throws IOException {
        assertFalse(load("stripe.secret_key=sk_live_abc\n", Map.of()).demo());
        assertTrue(load("app.demo=true\nstripe.secret_key=sk_test_abc\n", Map.of()).demo());
        assertTrue(load("app.demo=true\nstripe.secret_key=rk_test_abc\n", Map.of()).demo());
    }

    @Test
    void theExampleConfigDocumentsIt() throws IOException {
        assertTrue(Files.readString(Path.of("config.example.properties")).contains("\napp.demo=false\n"));
    }

    private Config load(String text, Map<String, String> env) throws IOException {
        Path file = Files.writeString(dir.resolve("test.properties"), text);
        return ConfigLoader.load(Optional.of(file), env, dir);
    }
}
