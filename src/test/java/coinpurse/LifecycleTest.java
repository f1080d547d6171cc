package coinpurse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.ChildServer;
import coinpurse.support.FakeStripe;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What survives a stop: requests in flight, balances, statuses, and the processed events. */
class LifecycleTest {
    @TempDir
    Path dir;

    @Test
    void balancesStatusesAndProcessedEventsSurviveARestartOnTheSameFile() {
        String user = "restart-user";
        String paidSession;
        String pendingSession;
        String paidEvent;
        try (TestServer first = TestServer.start(dir)) {
            String token = first.token(user);
            paidSession = first.checkout(token, "popular");
            pendingSession = first.checkout(token, "starter");
            paidEvent = first.paidEvent(paidSession);
            assertEquals(200, first.deliver(paidEvent).statusCode());
        }

        try (TestServer second = TestServer.start(dir)) {
            String token = second.token(user);
            JsonNode paid = TestServer.json(second.get("/api/payment/status/" + paidSession, token));
            assertEquals("completed", paid.get("status").asText());
            assertEquals(550, paid.get("new_balance").asLong());
            assertEquals("pending", second.storedStatus(pendingSession));
            assertEquals(550, TestServer.json(second.get("/api/coins/balance", token)).get("balance").asLong());

            // Stripe delivering the same event again after the restart changes nothing.
            assertEquals(200, second.deliver(paidEvent).statusCode());
            assertEquals(1, second.purchaseRows(paidSession));
            assertEquals(550, second.storedBalance(user));
            assertEquals(second.storedBalance(user), second.ledgerSum(user));
        }
    }

    /** Slow: the server is a child JVM started from the built classes. */
    @Test
    @Tag("slow")
    void sigtermFinishesTheRequestInFlightThenClosesTheDatabase() throws Exception {
        try (FakeStripe stripe = FakeStripe.start()) {
            Path db = dir.resolve("data/coinpurse.db");
            Map<String, String> env = Map.of(
                    "DB_PATH", db.toString(),
                    "STRIPE_SECRET_KEY", TestServer.STRIPE_KEY,
                    "STRIPE_API_BASE", stripe.apiBase(),
                    "AUTH_JWT_SECRET", TestServer.JWT_SECRET);
            try (ChildServer server = ChildServer.start(dir, env)) {
                stripe.delayResponses(Duration.ofSeconds(2));
                String token = new coinpurse.auth.TokenService(TestServer.JWT_SECRET).issue("sigterm", Duration.ofHours(1));
                CompletableFuture<HttpResponse<String>> inFlight = HttpClient.newHttpClient().sendAsync(
                        HttpRequest.newBuilder(URI.create(server.url("/api/payment/create-checkout-session")))
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"package_id\": \"popular\"}"))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                awaitCreateRequestAt(stripe);

                int exit = server.terminate(Duration.ofSeconds(30));

                HttpResponse<String> answer = inFlight.get(30, TimeUnit.SECONDS);
                assertEquals(200, answer.statusCode(), answer.body());
                String sessionId = TestServer.parse(answer.body()).get("session_id").asText();
                assertTrue(exit == 0 || exit == 143, "exit code " + exit + "\n" + server.output());
                assertTrue(server.output().contains("database closed"), server.output());
                assertFalse(Files.exists(Path.of(db + "-wal")), "a cleanly closed SQLite database leaves no WAL");

                try (coinpurse.db.Database reopened = coinpurse.db.Database.open(db)) {
                    String status = reopened.read(connection -> new coinpurse.purchases.PaymentSessions(
                            new coinpurse.db.Timestamps(java.time.Clock.systemUTC()), reopened.dialect()).find(connection, sessionId).orElseThrow().status().value());
                    assertEquals("pending", status, "the answered session was recorded before the stop");
                }
            }
        }
    }

    /** Waits (bounded) until the child's create request has reached the fake Stripe. */
    private static void awaitCreateRequestAt(FakeStripe stripe) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(20);
        while (stripe.createRequests().isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the create request never reached Stripe");
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
