package coinpurse.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.Concurrently;
import coinpurse.support.RunningServer;
import coinpurse.support.StripeEvents;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.Stripe;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A bounded mixed load (checkouts against the fake Stripe, status polls, webhooks delivered
 * once or twice, spends, grants, refunds) for about a minute ({@code -Dsoak.seconds=N} to
 * change), then the invariants: no 5xx, every balance equals its ledger, no purchase credited
 * twice, and every purchase's ledger matches what its session says was taken back.
 */
@Tag("slow")
class SoakTest {
    private static final Duration LENGTH = Duration.ofSeconds(Long.getLong("soak.seconds", 60));
    private static final int WORKERS = 8;
    private static final int MAX_ITERATIONS_PER_WORKER = 100_000;
    private static final String INTERNAL_KEY = "soak-internal-key-0123456789";
    private static final int USERS = 20;

    @RunningServer(env = {"INTERNAL_API_KEY=" + INTERNAL_KEY, "RATELIMIT_CHECKOUT_PER_MINUTE=1000000"})
    static TestServer server;

    private final Queue<String> problems = new ConcurrentLinkedQueue<>();
    private final Queue<String[]> paidSessions = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicLong> refundedCents = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();

    @Test
    void aMinuteOfMixedLoadLeavesEveryInvariantStanding() throws Exception {
        Instant deadline = Instant.now().plus(LENGTH);
        Concurrently.allAtOnce(WORKERS, LENGTH.plusSeconds(60), worker -> () -> {
            for (int i = 0; i < MAX_ITERATIONS_PER_WORKER && Instant.now().isBefore(deadline); i++) {
                switch (worker % 4) {
                    case 0, 1 -> buyAndPay();
                    case 2 -> spendOrGrant(i);
                    default -> refundSomething();
                }
            }
            return null;
        });

        assertTrue(problems.isEmpty(), problems.size() + " problems, first: " + problems.peek());
        assertTrue(requests.get() > 100, "the load ran: " + requests.get() + " requests");
        assertEquals(0, server.queryLong("""
                SELECT COUNT(*) FROM users u WHERE u.balance <>
                    (SELECT COALESCE(SUM(delta), 0) FROM coin_ledger l WHERE l.user_id = u.id)"""),
                "every balance equals the sum of its ledger");
        assertEquals(0, server.queryLong("""
                SELECT COUNT(*) FROM (SELECT reference FROM coin_ledger WHERE reason = 'purchase'
                    GROUP BY reference HAVING COUNT(*) > 1) AS twice"""),
                "no purchase is credited twice");
        assertEquals(0, server.queryLong("""
                SELECT COUNT(*) FROM payment_sessions s WHERE
                    (s.status IN ('completed', 'refunded')) <>
                    EXISTS (SELECT 1 FROM coin_ledger l WHERE l.reason = 'purchase' AND l.reference = s.session_id)"""),
                "a session is completed (or refunded) exactly when its purchase is in the ledger");
        assertEquals(0, server.queryLong("""
                SELECT COUNT(*) FROM payment_sessions s WHERE s.coins_reversed <>
                    -(SELECT COALESCE(SUM(delta), 0) FROM coin_ledger l
                      WHERE l.reference = s.session_id AND l.reason IN ('refund', 'dispute', 'dispute_won'))"""),
                "what a session says was taken back is what its ledger took back");
    }

    private void buyAndPay() {
        String user = "soak-user-" + ThreadLocalRandom.current().nextInt(USERS);
        String token = server.token(user);
        HttpResponse<String> created = check(server.post("/api/payment/create-checkout-session",
                "{\"package_id\": \"" + (ThreadLocalRandom.current().nextBoolean() ? "popular" : "starter") + "\"}",
                token));
        if (created.statusCode() != 200) {
            problems.add("checkout answered " + created.statusCode() + ": " + created.body());
            return;
        }
        String sessionId = TestServer.json(created).get("session_id").asText();
        check(server.get("/api/payment/status/" + sessionId, token));
        String event = server.paidEvent(sessionId);
        int deliveries = ThreadLocalRandom.current().nextInt(1, 3);
        for (int d = 0; d < deliveries; d++) {
            check(server.deliver(event));
        }
        if (ThreadLocalRandom.current().nextInt(4) == 0) {
            check(server.deliver(StripeEvents.checkoutEvent(StripeEvents.newEventId(),
                    "checkout.session.async_payment_succeeded", server.stripe().session(sessionId))));
        }
        JsonNode status = TestServer.json(check(server.get("/api/payment/status/" + sessionId, token)));
        if (!"completed".equals(status.path("status").asText()) && !"refunded".equals(status.path("status").asText())) {
            problems.add("paid session " + sessionId + " is " + status);
        }
        JsonNode session = server.stripe().session(sessionId);
        paidSessions.add(new String[] {session.get("payment_intent").asText(),
                Long.toString(session.get("amount_total").asLong())});
    }

    private void spendOrGrant(int iteration) {
        String user = "soak-user-" + ThreadLocalRandom.current().nextInt(USERS);
        String kind = ThreadLocalRandom.current().nextBoolean() ? "spend" : "grant";
        String key = kind + "-" + Thread.currentThread().getId() + "-" + iteration;
        String body = "{\"user_id\": \"" + user + "\", \"amount\": " + ThreadLocalRandom.current().nextInt(1, 200)
                + ", \"idempotency_key\": \"" + key + "\", \"reason\": \"soak\"}";
        int sends = ThreadLocalRandom.current().nextInt(4) == 0 ? 2 : 1;
        for (int s = 0; s < sends; s++) {
            HttpResponse<String> answer = check(server.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(server.url("/api/internal/coins/" + kind)))
                    .header("Authorization", "Bearer " + INTERNAL_KEY)
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))));
            if (answer.statusCode() != 200 && answer.statusCode() != 409) {
                problems.add(kind + " answered " + answer.statusCode() + ": " + answer.body());
            }
        }
    }

    private void refundSomething() {
        String[] purchase = paidSessions.poll();
        if (purchase == null) {
            check(server.get("/api/coins/history?limit=20", server.token("soak-user-0")));
            return;
        }
        String paymentIntent = purchase[0];
        long amount = Long.parseLong(purchase[1]);
        long refunded = refundedCents.computeIfAbsent(paymentIntent, pi -> new AtomicLong())
                .updateAndGet(before -> Math.min(amount, before + 1 + ThreadLocalRandom.current().nextLong(amount / 2)));
        String event = StripeEvents.event(StripeEvents.newEventId(), "charge.refunded",
                StripeEvents.refundedCharge(paymentIntent, amount, refunded, "usd"), Stripe.API_VERSION);
        check(server.deliver(event));
        if (refunded < amount) {
            paidSessions.add(purchase);
        }
    }

    /** Counts the request and notes any 5xx or non-JSON answer as a problem. */
    private HttpResponse<String> check(HttpResponse<String> response) {
        requests.incrementAndGet();
        if (response.statusCode() >= 500) {
            problems.add(response.request().uri().getPath() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("application/json")) {
            problems.add(response.request().uri().getPath() + " answered " + type + ": " + response.body());
        }
        return response;
    }
}
