package coinpurse.settlement;

import static coinpurse.support.JsonAssertions.assertJsonError;
import static coinpurse.support.JsonAssertions.fieldNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.MovableClock;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/payment/status/{session_id}}: own sessions only, and the poll of Stripe behind it.
 * The servers' clocks stand still until a test moves them: the poll's 5 s throttle never depends on
 * how fast the machine runs.
 */
class StatusTest {
    private static final String STATUS = "/api/payment/status/";

    @RunningServer(movableClock = true)
    static TestServer server;

    @Test
    void anotherUsersSessionIs404WithTheSameBodyAsAMissingOne() {
        String sessionId = server.checkout(server.token("st-owner"), "popular");
        String intruder = server.token("st-intruder");
        String missingId = "cs_test_no_such_session_anywhere";

        HttpResponse<String> foreign = server.get(STATUS + sessionId, intruder);
        HttpResponse<String> missing = server.get(STATUS + missingId, intruder);

        assertEquals(404, foreign.statusCode(), foreign.body());
        assertEquals(404, missing.statusCode(), missing.body());
        JsonNode error = assertJsonError(foreign);
        assertEquals("not_found", error.get("error").asText());
        assertEquals(missing.body().replace(missingId, "ID"), foreign.body().replace(sessionId, "ID"));
        assertEquals(0, server.stripe().retrieveCount(sessionId), "the intruder's poll must not reach Stripe");
        assertEquals("pending", server.storedStatus(sessionId));
    }

    @Test
    void aPendingSessionThatStripeSaysIsPaidIsFulfilledByTheStatusRoute() {
        String user = "st-paid";
        String token = server.token(user);
        String sessionId = server.checkout(token, "popular");
        server.stripe().markPaid(sessionId);

        JsonNode answer = poll(server, sessionId, token);

        assertEquals(List.of("status", "session_id", "coins_added", "new_balance"), fieldNames(answer));
        assertEquals("completed", answer.get("status").asText());
        assertEquals(sessionId, answer.get("session_id").asText());
        assertEquals(550, answer.get("coins_added").asLong());
        assertEquals(550, answer.get("new_balance").asLong());
        assertEquals(1, server.stripe().retrieveCount(sessionId));
        assertEquals("completed", server.storedStatus(sessionId));
        assertEquals(1, server.purchaseRows(sessionId));
        assertEquals(550, server.storedBalance(user));
        assertEquals(550, server.ledgerSum(user));
    }

    @Test
    void aSecondPollOfAFulfilledSessionDoesNotCreditAgain() {
        String user = "st-paid-twice";
        String token = server.token(user);
        String sessionId = server.checkout(token, "starter");
        server.stripe().markPaid(sessionId);
        assertEquals("completed", TestServer.json(server.get(STATUS + sessionId, token)).get("status").asText());

        JsonNode answer = poll(server, sessionId, token);

        assertEquals("completed", answer.get("status").asText());
        assertEquals(100, answer.get("coins_added").asLong());
        assertEquals(100, answer.get("new_balance").asLong());
        assertEquals(1, server.purchaseRows(sessionId));
        assertEquals(100, server.storedBalance(user));
        assertEquals(100, server.ledgerSum(user));
        assertEquals(1, server.stripe().retrieveCount(sessionId), "a completed session needs no more polls");
    }

    @Test
    void twoPollsInARowOfAnUnpaidSessionAskStripeOnce() {
        String user = "st-throttle";
        String token = server.token(user);
        String sessionId = server.checkout(token, "popular");

        // Two polls at the same moment of the server's clock, however long the machine takes between them.
        JsonNode first = poll(server, sessionId, token);
        JsonNode second = poll(server, sessionId, token);

        for (JsonNode answer : List.of(first, second)) {
            assertEquals("pending", answer.get("status").asText());
            assertNoCoinsInAnswer(answer);
        }
        assertEquals(1, server.stripe().retrieveCount(sessionId));
        assertEquals("pending", server.storedStatus(sessionId));
        assertEquals(0, server.ledgerSum(user));
    }

    @Test
    void aPendingSessionIsAskedAboutAgainOnceFiveSecondsHavePassed() {
        MovableClock clock = server.movableClock();
        String token = server.token("st-throttle-again");
        String sessionId = server.checkout(token, "popular");

        poll(server, sessionId, token);
        clock.advance(Duration.ofMillis(4999));
        poll(server, sessionId, token);
        assertEquals(1, server.stripe().retrieveCount(sessionId), "within 5 s of the last poll");
        clock.advance(Duration.ofMillis(1));
        JsonNode answer = poll(server, sessionId, token);

        assertEquals(2, server.stripe().retrieveCount(sessionId), "5 s after the last poll");
        assertEquals("pending", answer.get("status").asText());
    }

    @Test
    void aSessionThatStripeSaysExpiredIsAnsweredExpired() {
        String user = "st-expired";
        String token = server.token(user);
        String sessionId = server.checkout(token, "popular");
        server.stripe().markExpired(sessionId);

        JsonNode answer = poll(server, sessionId, token);

        assertEquals("expired", answer.get("status").asText());
        assertEquals(sessionId, answer.get("session_id").asText());
        assertNoCoinsInAnswer(answer);
        assertEquals(1, server.stripe().retrieveCount(sessionId));
        assertEquals("expired", server.storedStatus(sessionId));
        assertEquals(0, server.purchaseRows(sessionId));
        assertEquals(0, server.ledgerSum(user));
    }

    @Test
    void whenStripeCannotBeReachedDuringThePollTheAnswerIsStillPending(@TempDir Path downDir) {
        // Its own server: this test takes its fake Stripe down for good.
        try (TestServer down = TestServer.startWithClock(downDir, Map.of(), MovableClock.atNow())) {
            String user = "st-stripe-down";
            String token = down.token(user);
            String sessionId = down.checkout(token, "popular");
            down.stripe().close();

            JsonNode answer = poll(down, sessionId, token);

            assertEquals("pending", answer.get("status").asText());
            assertEquals(sessionId, answer.get("session_id").asText());
            assertNoCoinsInAnswer(answer);
            assertEquals("pending", down.storedStatus(sessionId));
            assertEquals(0, down.ledgerSum(user));
        }
    }

    /**
     * Control characters in the id: looked up, found nowhere, 404 on either backend. (%00 never gets
     * this far: Jetty refuses a path with an encoded NUL, 400, before any route.)
     */
    @Test
    void aSessionIdWithAControlCharacterIs404LikeAMissingOne() {
        String token = server.token("st-control");
        String sessionId = server.checkout(token, "popular");

        for (String odd : List.of(sessionId + "%0A", sessionId + "%09", sessionId + "%01", sessionId + "%1F",
                sessionId + "%7F")) {
            HttpResponse<String> response = server.get(STATUS + odd, token);

            assertEquals(404, response.statusCode(), odd + ": " + response.body());
            assertEquals("not_found", assertJsonError(response).get("error").asText());
        }
        assertEquals(0, server.stripe().retrieveCount(sessionId));
        assertEquals("pending", server.storedStatus(sessionId));
    }

    @Test
    void withoutATokenItIs401AndAsksStripeNothing() {
        String sessionId = server.checkout(server.token("st-no-token"), "popular");

        HttpResponse<String> response = server.get(STATUS + sessionId, null);

        assertEquals(401, response.statusCode(), response.body());
        assertEquals("unauthorized", assertJsonError(response).get("error").asText());
        assertEquals(0, server.stripe().retrieveCount(sessionId));
        assertEquals("pending", server.storedStatus(sessionId));
    }

    /**
     * {@code new_balance} is the user's balance now, as the balance route says it: coins of a grant
     * whose {@code expires_at} has come no longer count, though no request has written their
     * {@code expired} row yet (found by wallet/LotsPropertyTest).
     */
    @Test
    void newBalanceLeavesOutAnExpiredGrantWhoseRowIsNotWrittenYet(@TempDir Path dir) {
        MovableClock clock = MovableClock.atNow();
        String key = "status-test-internal-key-0123456789";
        try (TestServer own = TestServer.startWithClock(dir, Map.of("INTERNAL_API_KEY", key), clock)) {
            String user = "st-expiring";
            String sessionId = own.checkout(own.token(user), "popular");
            assertEquals(200, own.deliver(own.paidEvent(sessionId)).statusCode());
            String grant = "{\"user_id\": \"" + user + "\", \"amount\": 100, \"idempotency_key\": \"st-grant\","
                    + " \"expires_at\": \"" + clock.instant().plusSeconds(60) + "\"}";
            assertEquals(200, own.post("/api/internal/coins/grant", grant, key).statusCode());
            clock.advance(Duration.ofSeconds(60));

            JsonNode answer = poll(own, sessionId, own.token(user));

            assertEquals(650, own.storedBalance(user), "nothing has written the expiry yet");
            assertEquals(550, answer.get("new_balance").asLong());
            assertEquals(550, TestServer.json(own.get("/api/coins/balance", own.token(user))).get("balance").asLong());
        }
    }

    /** Polls {@code sessionId}'s status on {@code on} with {@code token}; asserts a 200 and returns its JSON. */
    private static JsonNode poll(TestServer on, String sessionId, String token) {
        HttpResponse<String> response = on.get(STATUS + sessionId, token);
        assertEquals(200, response.statusCode(), response.body());
        return TestServer.json(response);
    }

    private static void assertNoCoinsInAnswer(JsonNode answer) {
        assertTrue(answer.get("coins_added").isNull() && answer.get("new_balance").isNull(), answer.toString());
    }
}
