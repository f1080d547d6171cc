package coinpurse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.ChildServer;
import coinpurse.support.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.port=0} binds any free port and names it in the start line, which is how the tests'
 * child servers ({@link ChildServer}) find theirs without picking a port first and racing for it.
 */
class ServeOnAnyPortTest {
    @Test
    void portZeroBindsAFreePortAndTheStartLineNamesIt(@TempDir Path dir) throws Exception {
        try (ChildServer server = ChildServer.start(dir, Map.of("SERVER_PORT", "0",
                "DB_PATH", dir.resolve("db/coinpurse.db").toString(), "AUTH_JWT_SECRET", TestServer.JWT_SECRET))) {
            String output = server.awaitOutput("coinpurse serving on", Duration.ofSeconds(30));

            assertNotEquals(0, server.port());
            assertTrue(output.contains("coinpurse serving on http://127.0.0.1:" + server.port() + " ("), output);
            assertEquals(200, health(server));
        }
    }

    private static int health(ChildServer server) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url("/health")))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
