package coinpurse.events;

import static coinpurse.support.JsonAssertions.assertError;
import static coinpurse.support.WebhookAssertions.assertAccepted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.Concurrently;
import coinpurse.support.FakeStripe;
import coinpurse.support.MovableClock;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events for the web app: one for every ledger row, hold change and purchase status change, written
 * in the change's own transaction (none for what did not commit), numbered per user without gaps,
 * and listed by {@code GET /api/internal/events} in commit order.
 */
class AppEventsTest {
    private static final String API_KEY = "events-test-internal-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static MovableClock clock;
    static TestServer server;

    @BeforeAll
    static void start() {
        clock = MovableClock.atNow();
        server = TestServer.startWithClock(dir.resolve("server"), Map.of("INTERNAL_API_KEY", API_KEY), clock);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aPurchaseIsItsCoinsThenItsNewStatusAndAPendingSessionIsNothing() {
        String user = user("buyer");
        String sessionId = server.checkout(server.token(user), "popular");
        assertEquals(List.of(), eventsOf(user), "recording a pending session makes none");

        assertAccepted(server.deliver(server.paidEvent(sessionId)));
        assertAccepted(server.deliver(server.paidEvent(sessionId)));

        List<JsonNode> events = eventsOf(user);
        assertEquals(List.of("coins.purchased", "purchase.updated"), types(events));
        assertEquals(List.of(1L, 2L), sequences(events));
        JsonNode purchased = events.get(0);
        assertEquals(List.of("id", "type", "created_at", "user_id", "sequence", "data"), fields(purchased));
        assertEquals(user, purchased.get("user_id").asText());
        assertEquals(550, purchased.get("data").get("delta").asLong());
        assertEquals(500, purchased.get("data").get("paid").asLong());
        assertEquals(50, purchased.get("data").get("bonus").asLong());
        assertEquals("purchase", purchased.get("data").get("reason").asText());
        JsonNode status = events.get(1).get("data");
        assertEquals(sessionId, status.get("session_id").asText());
        assertEquals("completed", status.get("status").asText());
        assertEquals(550, status.get("coins_added").asLong());
        assertEquals(550, status.get("new_balance").asLong());
    }

    @Test
    void onlyWhatCommittedMakesAnEvent() {
        String user = user("spender");
        ok(post("/api/internal/coins/grant", body(user, 100, "g-" + user)));
        String spendKey = "s-" + user;
        ok(post("/api/internal/coins/spend", body(user, 30, spendKey)));

        ok(post("/api/internal/coins/spend", body(user, 30, spendKey)));
        assertError(post("/api/internal/coins/spend", body(user, 71, "too-much-" + user)), 409, "insufficient_funds");
        assertError(post("/api/internal/coins/spend", body(user, 31, spendKey)), 409, "idempotency_conflict");

        assertEquals(List.of("coins.granted", "coins.spent"), types(eventsOf(user)));
    }

    @Test
    void refundsTellTheirCoinsAndAStatusChangeOnlyWhenTheStatusChanges() {
        String user = user("refunded");
        String sessionId = server.checkout(server.token(user), "popular");
        assertAccepted(server.deliver(server.paidEvent(sessionId)));
        String paymentIntent = server.storedPaymentIntent(sessionId);

        FakeStripe.Refund partial = server.stripe().refund(paymentIntent, 500, "succeeded");
        partial.events().forEach(event -> assertAccepted(server.deliver(event)));
        assertEquals(List.of("coins.purchased", "purchase.updated", "coins.taken_back"), types(eventsOf(user)),
                "a partial refund makes only its coins event");

        FakeStripe.Refund rest = server.stripe().refund(paymentIntent, 1499, "succeeded");
        rest.events().forEach(event -> assertAccepted(server.deliver(event)));
        server.stripe().setRefundStatus(rest.id(), "failed").forEach(event -> assertAccepted(server.deliver(event)));

        List<JsonNode> events = eventsOf(user);
        assertEquals(List.of("coins.purchased", "purchase.updated", "coins.taken_back", "coins.taken_back",
                "purchase.updated", "coins.given_back", "purchase.updated"), types(events));
        assertEquals("refunded", events.get(4).get("data").get("status").asText());
        assertTrue(events.get(4).get("data").get("coins_added").isNull());
        assertEquals("completed", events.get(6).get("data").get("status").asText());
        assertEquals(sequenceFrom1(events.size()), sequences(events));
    }

    @Test
    void aHoldTellsItsLifeAndACaptureIsItsCoinsAndNoRelease() {
        String user = user("holder");
        ok(post("/api/internal/coins/grant", body(user, 100, "g-" + user)));
        String captured = ok(post("/api/internal/coins/holds", hold(user, 60, 60))).get("hold_id").asText();
        ok(post("/api/internal/coins/holds/" + captured + "/capture", "{\"amount\": 40}"));
        String released = ok(post("/api/internal/coins/holds", hold(user, 10, 60))).get("hold_id").asText();
        ok(post("/api/internal/coins/holds/" + released + "/release", "{}"));
        String expiring = ok(post("/api/internal/coins/holds", hold(user, 10, 5))).get("hold_id").asText();
        clock.advance(Duration.ofSeconds(5));
        server.services().sweeps().sweepOnce();
        server.services().sweeps().sweepOnce();

        List<JsonNode> events = eventsOf(user);
        assertEquals(List.of("coins.granted", "hold.created", "coins.spent", "hold.captured", "hold.created",
                "hold.released", "hold.created", "hold.expired"), types(events));
        assertEquals(captured, events.get(3).get("data").get("hold_id").asText());
        assertEquals(40, events.get(3).get("data").get("captured").asLong());
        assertEquals("capture", events.get(2).get("data").get("reason").asText());
        assertEquals(expiring, events.get(7).get("data").get("hold_id").asText());
        assertEquals("expired", events.get(7).get("data").get("status").asText());
    }

    @Test
    void aGrantsExpiryIsAnEvent() {
        String user = user("expiring");
        String expiresAt = clock.instant().plusSeconds(60).toString();
        ok(post("/api/internal/coins/grant", JSON.createObjectNode().put("user_id", user).put("amount", 25)
                .put("idempotency_key", "g-" + user).put("expires_at", expiresAt).toString()));
        clock.advance(Duration.ofSeconds(60));
        server.services().sweeps().sweepOnce();

        List<JsonNode> events = eventsOf(user);
        assertEquals(List.of("coins.granted", "coins.expired"), types(events));
        assertEquals(-25, events.get(1).get("data").get("delta").asLong());
    }

    /** Changes of one user at once: one event each, numbered 1 … n with no gap and no repeat. */
    @Test
    void concurrentChangesOfOneUserAreNumberedWithoutGaps() throws Exception {
        String user = user("busy");
        ok(post("/api/internal/coins/grant", body(user, 1000, "g-" + user)));

        List<HttpResponse<String>> answers = Concurrently.allAtOnce(16, i -> () -> post(
                "/api/internal/coins/" + (i % 2 == 0 ? "spend" : "grant"), body(user, 7, "k-" + i + "-" + user)));

        answers.forEach(AppEventsTest::ok);
        List<JsonNode> events = eventsOf(user);
        assertEquals(17, events.size());
        assertEquals(sequenceFrom1(17), sequences(events));
        assertEquals(server.queryLong("SELECT COUNT(*) FROM coin_ledger WHERE user_id = ?", user), events.size());
    }

    /**
     * A reader that pages through the feed while writers commit at once (on PostgreSQL through two
     * instances of the server) sees every event exactly once, each user's in sequence order.
     */
    @Test
    void aReaderFollowingNextAfterWhileWritersCommitMissesNoEvent() throws Exception {
        TestServer second = TestServer.onPostgres()
                ? TestServer.startWithClock(dir.resolve("second"), Map.of("INTERNAL_API_KEY", API_KEY,
                        "DB_URL", server.deps().config().dbAccess().postgresUrl().orElseThrow()), clock)
                : server;
        try {
            String start = lastEventId();
            AtomicBoolean writing = new AtomicBoolean(true);
            List<JsonNode> read = new ArrayList<>();
            Thread reader = new Thread(() -> {
                String after = start;
                while (true) {
                    boolean last = !writing.get();
                    JsonNode page = ok(get("/api/internal/events?limit=7" + (after == null ? "" : "&after=" + after)));
                    page.get("events").forEach(read::add);
                    after = page.get("next_after").isNull() ? null : page.get("next_after").asText();
                    if (last && page.get("events").isEmpty()) {
                        return;
                    }
                }
            });
            reader.start();
            List<String> users = List.of(user("w1"), user("w2"), user("w3"));
            Concurrently.allAtOnce(6, i -> () -> {
                TestServer through = i % 2 == 0 ? server : second;
                for (int n = 0; n < 15; n++) {
                    HttpResponse<String> answer = through.post("/api/internal/coins/grant",
                            body(users.get(i % 3), 1, "w-" + i + "-" + n + "-" + UUID.randomUUID()), API_KEY);
                    assertEquals(200, answer.statusCode(), answer.body());
                }
                return null;
            });
            writing.set(false);
            reader.join(60_000);

            Set<String> ids = new HashSet<>();
            read.forEach(event -> assertTrue(ids.add(event.get("id").asText()), "read twice: " + event));
            for (String user : users) {
                List<Long> sequences = read.stream().filter(event -> event.get("user_id").asText().equals(user))
                        .map(event -> event.get("sequence").asLong()).toList();
                assertEquals(sequenceFrom1(30), sequences, user);
            }
        } finally {
            if (second != server) {
                second.close();
            }
        }
    }

    @Test
    void theFeedPagesAndRefusesWhatItCannotRead() {
        String user = user("pager");
        for (int i = 0; i < 5; i++) {
            ok(post("/api/internal/coins/grant", body(user, 1, "p-" + i + "-" + user)));
        }
        String last = lastEventId();
        JsonNode empty = ok(get("/api/internal/events?after=" + last));
        assertEquals(0, empty.get("events").size());
        assertEquals(last, empty.get("next_after").asText(), "an empty page answers the after given");

        assertError(get("/api/internal/events?limit=0"), 400, "bad_request");
        assertError(get("/api/internal/events?limit=1001"), 400, "bad_request");
        assertError(get("/api/internal/events?after=evt_not_here"), 400, "bad_request");
        assertEquals(401, server.send(HttpRequest.newBuilder(URI.create(server.url("/api/internal/events"))).GET())
                .statusCode());
    }

    // ---- helpers ----

    /** The user's events, in the feed's order, read from the first page on. */
    private static List<JsonNode> eventsOf(String user) {
        List<JsonNode> mine = new ArrayList<>();
        String after = null;
        while (true) {
            JsonNode page = ok(get("/api/internal/events?limit=1000" + (after == null ? "" : "&after=" + after)));
            page.get("events").forEach(event -> {
                if (event.get("user_id").asText().equals(user)) {
                    mine.add(event);
                }
            });
            if (page.get("events").isEmpty()) {
                return mine;
            }
            after = page.get("next_after").asText();
        }
    }

    private static String lastEventId() {
        String after = null;
        while (true) {
            JsonNode page = ok(get("/api/internal/events?limit=1000" + (after == null ? "" : "&after=" + after)));
            if (page.get("events").isEmpty()) {
                return after;
            }
            after = page.get("next_after").asText();
        }
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(event -> event.get("type").asText()).toList();
    }

    private static List<Long> sequences(List<JsonNode> events) {
        return events.stream().map(event -> event.get("sequence").asLong()).toList();
    }

    private static List<Long> sequenceFrom1(int count) {
        List<Long> sequence = new ArrayList<>();
        for (long n = 1; n <= count; n++) {
            sequence.add(n);
        }
        return sequence;
    }

    private static List<String> fields(JsonNode json) {
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String user(String label) {
        return label + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String body(String user, long amount, String key) {
        return JSON.createObjectNode().put("user_id", user).put("amount", amount).put("idempotency_key", key).toString();
    }

    private static String hold(String user, long amount, long seconds) {
        return JSON.createObjectNode().put("user_id", user).put("amount", amount)
                .put("idempotency_key", "h-" + UUID.randomUUID()).put("expires_in_seconds", seconds).toString();
    }

    private static HttpResponse<String> post(String path, String body) {
        return server.post(path, body, API_KEY);
    }

    private static HttpResponse<String> get(String path) {
        return server.get(path, API_KEY);
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return TestServer.json(response);
    }
}
