package coinpurse.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.auth.TokenService;
import coinpurse.support.ChildServer;
import coinpurse.support.CliRun;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stripe that cannot be reached at all (nothing listens at its address): a checkout is the
 * SPEC's 502 and one WARN line naming where Stripe was looked for, without a stack trace; and
 * {@code reconcile} says it could not reach Stripe at that address rather than a bare host name.
 */
class StripeUnreachableTest {
    @TempDir
    Path dir;

    @Test
    void aCheckoutIs502AndOneWarnLineWithoutAStack() throws Exception {
        String stripeBase = "http://127.0.0.1:" + closedPort();
        try (ChildServer server = ChildServer.start(dir, Map.of(
                "STRIPE_SECRET_KEY", TestServer.STRIPE_KEY,
                "STRIPE_API_BASE", stripeBase,
                "AUTH_JWT_SECRET", TestServer.JWT_SECRET))) {
            int logLinesBefore = server.output().lines().toList().size();

            HttpResponse<String> answer = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.url("/api/payment/create-checkout-session")))
                            .header("Authorization", "Bearer "
                                    + new TokenService(TestServer.JWT_SECRET).issue("offline", Duration.ofHours(1)))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"package_id\": \"popular\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(502, answer.statusCode(), answer.body());
            JsonNode error = TestServer.parse(answer.body());
            assertEquals("stripe_unavailable", error.get("error").asText());
            assertEquals("The payment provider did not answer. Please try again in a moment.",
                    error.get("message").asText());
            List<String> logged = server.output().lines().skip(logLinesBefore).toList();
            assertEquals(1, logged.size(), String.join("\n", logged));
            String line = logged.get(0);
            assertTrue(line.contains(" WARN ErrorMapping - stripe_unavailable on POST"
                    + " /api/payment/create-checkout-session: creating a Checkout Session failed: cannot reach Stripe"
                    + " at " + stripeBase + " (ConnectException: Connection refused)"), line);
        }
    }

    @Test
    void reconcileSaysItCannotReachStripeAtTheApiBase() throws IOException {
        String stripeBase = "http://127.0.0.1:" + closedPort();
        Path db = Files.createDirectories(dir.resolve("data")).resolve("coinpurse.db");
        Files.writeString(db, ""); // an empty file is an empty SQLite database: reconcile creates none
        Path config = Files.writeString(dir.resolve("c.properties"), String.join("\n",
                "db.path=" + db,
                "stripe.secret_key=" + TestServer.STRIPE_KEY,
                "stripe.api_base=" + stripeBase,
                "auth.jwt_secret=" + TestServer.JWT_SECRET, ""));

        CliRun run = CliRun.run("reconcile", "--config", config.toString());

        assertEquals(1, run.exit(), run.out() + run.err());
        assertEquals(List.of("coinpurse: reconcile stopped: listing events failed: cannot reach Stripe at "
                + stripeBase + " (ConnectException: Connection refused); what was done before stays done, and running"
                + " it again is safe"), run.err().lines().toList());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    /** A port that nothing listens on: a connection to it is refused at once. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
