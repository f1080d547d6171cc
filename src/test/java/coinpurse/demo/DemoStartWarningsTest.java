package coinpurse.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.config.Config;
import coinpurse.config.ConfigLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the start warns about the demo page: only what would really fail on the first click. */
class DemoStartWarningsTest {
    private static final int PORT = 5000;

    @TempDir
    Path dir;

    @Test
    void withoutTheDemoNothing() {
        assertEquals(List.of(), DemoStartWarnings.of(load(Map.of()), PORT));
    }

    @Test
    void theSandboxAndTheDemoTogetherNeedNothingMore() {
        assertEquals(List.of(), DemoStartWarnings.of(load(Map.of("APP_DEMO", "true", "STRIPE_SANDBOX", "true")), PORT));
    }

    @Test
    void noKeyAndNoSandboxIsNamedWithTheWayOut() {
        List<String> warnings = DemoStartWarnings.of(load(Map.of("APP_DEMO", "true",
                "APP_ALLOWED_REDIRECT_ORIGINS", "http://localhost:5173,http://localhost:5000")), PORT);

        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("app.demo: Buy will answer 503"), warnings.get(0));
        assertTrue(warnings.get(0).contains("STRIPE_SANDBOX=true"), warnings.get(0));
    }

    @Test
    void aKeyWithoutItsOwnOriginAllowedNamesTheOriginToAdd() {
        List<String> warnings = DemoStartWarnings.of(load(Map.of("APP_DEMO", "true",
                "STRIPE_SECRET_KEY", "sk_test_x")), PORT);

        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("(APP_ALLOWED_REDIRECT_ORIGINS=http://localhost:5173,http://localhost:5000)"),
                warnings.get(0));
    }

    @Test
    void anyOfItsOwnOriginsListedIsEnough() {
        for (String own : List.of("http://127.0.0.1:5000", "http://localhost:5000", "http://shop.test:5000")) {
            assertEquals(List.of(), DemoStartWarnings.of(load(Map.of("APP_DEMO", "true", "STRIPE_SECRET_KEY",
                    "sk_test_x", "SERVER_HOST", "shop.test", "APP_ALLOWED_REDIRECT_ORIGINS",
                    "http://localhost:5173," + own)), PORT), own);
        }
    }

    private Config load(Map<String, String> env) {
        return ConfigLoader.load(Optional.empty(), new HashMap<>(env), dir);
    }
}
