package coinpurse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.CliRun;
import coinpurse.support.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metrics.enabled}: off by default, strictly true or false, and never without the key that guards /metrics. */
class MetricsSettingsTest {
    private static final String API_KEY = "metrics-settings-key-0123456789";

    @TempDir
    Path dir;

    @Test
    void offByDefault() {
        assertFalse(ConfigLoader.load(Optional.empty(), Map.of(), dir).metricsEnabled());
    }

    @Test
    void onWithTheInternalKeyInAnyCase() {
        Config config = ConfigLoader.load(Optional.empty(),
                Map.of("METRICS_ENABLED", "TRUE", "INTERNAL_API_KEY", API_KEY), dir);

        assertTrue(config.metricsEnabled());
    }

    @Test
    void aValueOtherThanTrueOrFalseIsRefusedNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(),
                Map.of("METRICS_ENABLED", "yes", "INTERNAL_API_KEY", API_KEY), dir));

        assertEquals("metrics.enabled (environment variable METRICS_ENABLED): \"yes\" is neither true nor false",
                e.getMessage());
    }

    @Test
    void onWithoutTheInternalKeyIsRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), Map.of("METRICS_ENABLED", "true"), dir));

        assertTrue(e.getMessage().startsWith("metrics.enabled: needs internal.api_key"), e.getMessage());
    }

    @Test
    void serveRefusesToStartWithExit2WhenMetricsAreOnWithoutTheKey() throws IOException {
        Path config = Files.writeString(dir.resolve("c.properties"), String.join("\n",
                "server.port=5998",
                "db.path=" + dir.resolve("db/coinpurse.db"),
                "auth.jwt_secret=" + TestServer.JWT_SECRET,
                "metrics.enabled=true", ""));

        CliRun run = CliRun.run("serve", "--config", config.toString());

        assertEquals(2, run.exit(), run.out() + run.err());
        assertEquals("coinpurse: configuration error: metrics.enabled: needs internal.api_key (INTERNAL_API_KEY),"
                + " the key that Prometheus sends as 'Authorization: Bearer <key>' to read /metrics", run.err().strip());
        assertFalse(Files.exists(dir.resolve("db/coinpurse.db")), "nothing was started");
    }
}
