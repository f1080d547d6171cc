package coinpurse.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import coinpurse.support.CliRun;
import coinpurse.support.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a live key, app.demo=true stops the start with one line, exit 2: the page is never served. */
class DemoLiveKeyTest {
    @TempDir
    Path dir;

    @Test
    void serveRefusesTheDemoWithALiveKey() throws IOException {
        Path config = Files.writeString(dir.resolve("c.properties"), String.join("\n",
                "server.host=127.0.0.1",
                "server.port=5998",
                "db.path=" + dir.resolve("db/coinpurse.db"),
                "auth.jwt_secret=" + TestServer.JWT_SECRET,
                "stripe.secret_key=sk_live_hidden0key",
                "app.demo=true", ""));

        CliRun run = CliRun.run("serve", "--config", config.toString());

        assertEquals(2, run.exit(), run.out() + run.err());
        assertEquals("coinpurse: configuration error: app.demo: the demo page is never served with a live Stripe key"
                + " (stripe.secret_key is sk_live_/rk_live_): use a test key, or set app.demo=false", run.err().strip());
        assertFalse(Files.exists(dir.resolve("db/coinpurse.db")), "nothing was opened");
        assertFalse((run.out() + run.err()).contains("hidden0key"));
    }
}
