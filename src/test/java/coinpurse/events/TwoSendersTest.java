package coinpurse.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.Concurrently;
import coinpurse.support.MovableClock;
import coinpurse.support.TestServer;
import coinpurse.support.WebhookReceiver;
import coinpurse.support.WebhookReceiver.Delivery;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances push from one database (on PostgreSQL two servers on one {@code db.url}; on SQLite,
 * whose one file one process writes, two senders of one server): each event is being sent by one of
 * them at a time, and once the receiver is up every event is delivered once, each user's in order.
 */
class TwoSendersTest {
    private static final String API_KEY = "two-senders-internal-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int USERS = 12;
    private static final int EVENTS_EACH = 5;

    @TempDir
    static Path dir;

    static MovableClock clock;
    static WebhookReceiver receiver;
    static TestServer first;
    static TestServer second;

    @BeforeAll
    static void start() {
        clock = MovableClock.atNow();
        receiver = WebhookReceiver.start();
        Map<String, String> env = new HashMap<>(Map.of("INTERNAL_API_KEY", API_KEY,
                "EVENTS_WEBHOOK_URL", receiver.url(), "EVENTS_WEBHOOK_SECRET", WebhookReceiver.SECRET));
        first = TestServer.startWithClock(dir.resolve("first"), env, clock);
        if (TestServer.onPostgres()) {
            env.put("DB_URL", first.deps().config().dbAccess().postgresUrl().orElseThrow());
            second = TestServer.startWithClock(dir.resolve("second"), env, clock);
        } else {
            second = first;
        }
    }

    @AfterAll
    static void stop() {
        if (second != first) {
            second.close();
        }
        first.close();
        receiver.close();
    }

    /** Many claims at once, through both instances: no event is claimed twice. */
    @Test
    void claimsAtOnceNeverShareAnEvent() throws Exception {
        List<String> users = writeEvents("race", 1);
        Instant now = clock.instant();
        Deliveries a = new Deliveries(first.deps().db());
        Deliveries b = new Deliveries(second.deps().db());

        List<List<Deliveries.Claimed>> claims = Concurrently.allAtOnce(16, i -> () ->
                (i % 2 == 0 ? a : b).claim(now, now.plusSeconds(30), 3));

        List<String> claimed = new ArrayList<>(claims.stream().flatMap(List::stream).map(c -> c.event().id()).toList());
        assertEquals(claimed.size(), Set.copyOf(claimed).size(), "an event claimed twice: " + claimed);
        // A claim racing others may come back short (a row another claim took meanwhile is skipped,
        // not replaced), as a sender's next loop would: what is left goes to later claims, never twice.
        for (List<Deliveries.Claimed> more = a.claim(now, now.plusSeconds(30), 3); !more.isEmpty();
                more = b.claim(now, now.plusSeconds(30), 3)) {
            more.forEach(c -> claimed.add(c.event().id()));
        }
        assertEquals(claimed.size(), Set.copyOf(claimed).size(), "an event claimed twice: " + claimed);
        assertTrue(claimed.size() >= users.size(), "every due head was claimed: " + claimed);
    }

    @Test
    void twoInstancesNeverSendOneEventAtOnceAndDeliverEverythingOnceTheReceiverIsUp() throws Exception {
        clock.advance(Duration.ofMinutes(5)); // the race test's claims have passed
        receiver.answerAll(503);
        List<String> users = writeEvents("two", EVENTS_EACH);
        try (WebhookSender one = sender(first); WebhookSender two = sender(second)) {
            one.start();
            two.start();
            // The receiver is down: each user's first event is tried once (the clock stands still).
            awaitTrue("each user's first event tried once, none being sent", () ->
                    count("attempts = 1 AND sequence = 1 AND claimed_until IS NULL", users) == USERS);
            receiver.answerAll(200);
            clock.advance(Duration.ofMinutes(1));
            awaitTrue("every event delivered", () -> count("delivery = 'delivered'", users) == USERS * EVENTS_EACH);
        }

        List<Delivery> ours = receiver.deliveries(event -> users.contains(event.get("user_id").asText()));
        assertTrue(ours.stream().noneMatch(Delivery::overlapped), "an event sent by both at once: " + ours);
        assertEquals(USERS, ours.stream().filter(delivery -> delivery.answered() == 503).count(),
                "while down, each head tried once: " + ours);
        Map<String, List<Long>> delivered = new HashMap<>();
        Set<String> ids = new HashSet<>();
        for (Delivery delivery : ours) {
            if (delivery.answered() == 200) {
                assertTrue(ids.add(delivery.id()), "delivered twice: " + delivery.id());
                delivered.computeIfAbsent(delivery.event().get("user_id").asText(), u -> new ArrayList<>())
                        .add(delivery.event().get("sequence").asLong());
            }
        }
        for (String user : users) {
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), delivered.get(user), user);
        }
    }

    // ---- helpers ----

    private static WebhookSender sender(TestServer server) {
        return WebhookSender.create(server.deps().db(), receiver.url(), WebhookReceiver.SECRET, clock, new Random(),
                server.deps().meters().registry());
    }

    /** {@value #USERS} new users with {@code each} events, written through both instances in turn. */
    private static List<String> writeEvents(String label, int each) {
        List<String> users = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            users.add(label + "-" + u + "-" + UUID.randomUUID().toString().substring(0, 8));
        }
        for (int n = 0; n < each; n++) {
            for (int u = 0; u < USERS; u++) {
                TestServer through = (u + n) % 2 == 0 ? first : second;
                HttpResponse<String> answer = through.post("/api/internal/coins/grant", JSON.createObjectNode()
                        .put("user_id", users.get(u)).put("amount", 1).put("idempotency_key", "g-" + UUID.randomUUID())
                        .toString(), API_KEY);
                assertEquals(200, answer.statusCode(), answer.body());
            }
        }
        return users;
    }

    private static long count(String condition, List<String> users) {
        long total = 0;
        for (String user : users) {
            total += first.queryLong("SELECT COUNT(*) FROM app_events WHERE " + condition + " AND user_id = ?", user);
        }
        return total;
    }

    /** Waits for {@code condition}, checking every 20 ms, at most 30 s. */
    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what + "; received " + receiver.deliveries());
            }
            Thread.sleep(20);
        }
    }
}
