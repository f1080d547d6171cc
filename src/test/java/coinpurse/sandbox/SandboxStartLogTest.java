package coinpurse.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.ChildServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a real start prints: with the sandbox, a WARN that no real money moves (and that a key beside
 * it goes unused); with the demo alone, a WARN for each thing that would fail on the first click.
 */
class SandboxStartLogTest {
    private static final String SERVING = "coinpurse serving on";
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void theSandboxWarnsThatNoRealMoneyMovesThatAKeyBesideItIsUnusedAndNothingAboutTheDemo() throws IOException {
        List<String> lines = startAndRead(Map.of("STRIPE_SANDBOX", "true", "APP_DEMO", "true",
                "STRIPE_SECRET_KEY", "sk_test_unused"));
        String all = String.join("\n", lines);

        assertTrue(lines.stream().anyMatch(line -> line.contains(" WARN ") && line.contains(
                "stripe.sandbox=true: coinpurse plays Stripe itself; no real money moves")), all);
        assertTrue(lines.stream().anyMatch(line -> line.contains(" WARN ")
                && line.contains("stripe.secret_key and stripe.api_base are set but unused")), all);
        assertTrue(lines.stream().anyMatch(line -> line.contains(SERVING)
                && line.contains("Stripe played by the sandbox, its events signed with a secret generated")), all);
        assertFalse(all.contains("app.demo:"), all);
        assertFalse(all.contains("sk_test_unused"), all);
        assertFalse(all.contains("whsec_"), "the generated secret is never logged: " + all);
    }

    @Test
    void theDemoAloneWarnsOfNoKeyNoSandboxAndItsOriginNotAllowed() throws IOException {
        List<String> lines = startAndRead(Map.of("APP_DEMO", "true"));

        List<String> demo = lines.stream().filter(line -> line.contains(" WARN ") && line.contains("app.demo:")).toList();
        assertEquals(2, demo.size(), String.join("\n", lines));
        assertTrue(demo.get(0).contains("Buy will answer 503: neither stripe.secret_key nor stripe.sandbox is set;"
                + " start with STRIPE_SANDBOX=true"), demo.get(0));
        assertTrue(demo.get(1).contains("Buy will answer 400 unless the page's own origin is in"
                + " app.allowed_redirect_origins"), demo.get(1));
    }

    private List<String> startAndRead(Map<String, String> env) throws IOException {
        try (ChildServer server = ChildServer.start(dir, env)) {
            return server.awaitOutput(SERVING, LIMIT).lines().toList();
        }
    }
}
