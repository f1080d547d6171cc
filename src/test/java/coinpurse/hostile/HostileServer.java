package coinpurse.hostile;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.JsonAssertions;
import coinpurse.support.LedgerSnapshot;
import coinpurse.support.RawHttp;
import coinpurse.support.RawHttp.Answer;
import coinpurse.support.RawHttp.Request;
import coinpurse.support.RunningServer;
import coinpurse.support.StripeEvents;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server each hostile test class attacks, one per class, as a {@link RunningServer} fixture
 * ({@code @RunningServer static HostileServer hostile;}), with what the attacks aim at: a user with coins, a completed purchase, a pending one whose
 * paid event would credit 550 coins if it got through. Every request goes out over
 * {@link RawHttp} and its answer through {@link JsonAssertions#assertSpecAnswer};
 * {@link #assertNoCoinMoved()} compares balances and ledger with what they were after seeding.
 */
@RunningServer(env = {
    "INTERNAL_API_KEY=" + HostileServer.INTERNAL_KEY,
    "AUTH_COOKIE_NAME=" + HostileServer.COOKIE,
    // These classes are about input; the limit has a test of its own (CheckoutLimitTest).
    "RATELIMIT_CHECKOUT_PER_MINUTE=100000"})
final class HostileServer implements AutoCloseable {
    static final String INTERNAL_KEY = "hostile-internal-key-0123456789";
    static final String COOKIE = "cp_token";
    static final String CREATE = "/api/payment/create-checkout-session";
    static final String WEBHOOK = "/api/payment/webhook";
    static final String SPEND = "/api/internal/coins/spend";
    static final String GRANT = "/api/internal/coins/grant";
    /** In a generated Stripe-Signature: send no such header at all. */
    static final String NO_HEADER = "(no header)";

    final TestServer server;
    final RawHttp http;
    /** A user with no coins, for the user routes. */
    final String fuzzToken;
    /** A completed purchase of "hi-buyer", for the status route. */
    final String buyerToken;
    final String buyerSession;
    /** A pending session of "hi-pending" and the paid event that would credit it if it got through. */
    final String pendingSession;
    final String pendingPaidEvent;
    /** What must still hold after every try. */
    private LedgerSnapshot expected;

    /** Seeds {@code server}, which this fixture then owns; by {@link RunningServer}. */
    HostileServer(TestServer server) {
        this.server = server;
        this.http = new RawHttp(server.port());
        this.fuzzToken = server.token("hi-fuzz");
        Answer grant = http.send(Request.post(GRANT,
                "{\"user_id\": \"hi-rich\", \"amount\": 1000, \"idempotency_key\": \"hi-seed\"}")
                .header("Authorization", "Bearer " + INTERNAL_KEY));
        assertEquals(200, grant.status(), grant.body());

        this.buyerToken = server.token("hi-buyer");
        this.buyerSession = server.checkout(buyerToken, "popular");
        assertEquals(200, server.deliver(server.paidEvent(buyerSession)).statusCode());

        this.pendingSession = server.checkout(server.token("hi-pending"), "popular");
        ObjectNode paid = server.stripe().session(pendingSession)
                .put("status", "complete")
                .put("payment_status", "paid")
                .put("payment_intent", "pi_test_hostile_pending");
        this.pendingPaidEvent = StripeEvents.checkoutEvent("checkout.session.completed", paid);

        this.expected = LedgerSnapshot.of(server);
        assertEquals(Map.of("hi-rich", 1000L, "hi-buyer", 550L), expected.balances());
    }

    /** Sends {@code request}; its answer must be one the SPEC allows ({@link JsonAssertions#assertSpecAnswer}). */
    Answer assertSpecAnswer(Request request) {
        Answer answer = http.send(request);
        JsonAssertions.assertSpecAnswer(answer, request.describe());
        return answer;
    }

    /** As {@link #assertSpecAnswer(Request)}, for a request written byte for byte (ISO-8859-1). */
    Answer assertSpecAnswerRaw(String request) {
        Answer answer = http.sendRaw(request.getBytes(ISO_8859_1));
        JsonAssertions.assertSpecAnswer(answer, request);
        return answer;
    }

    /** Not one coin moved: the balances and the ledger's size are what they were after seeding. */
    void assertNoCoinMoved() {
        assertEquals(expected, LedgerSnapshot.of(server), "balances or ledger changed");
    }

    /** From now on, {@code user}'s balance (which must have coins) and one more ledger row are expected. */
    void expectCredited(String user) {
        Map<String, Long> balances = new TreeMap<>(expected.balances());
        balances.put(user, server.storedBalance(user));
        assertTrue(balances.get(user) > 0);
        expected = new LedgerSnapshot(balances, expected.ledgerRows() + 1);
    }

    @Override
    public void close() {
        http.close();
        server.close();
    }
}
