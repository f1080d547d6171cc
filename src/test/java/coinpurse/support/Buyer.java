package coinpurse.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * A user of a server on a {@link MovableClock} who buys through the API and the fake Stripe, whose
 * coins the web app's server spends and grants (with {@code apiKey}), and whose payments Stripe
 * refunds and disputes by its signed events. Each step comes one second after the last, so each
 * has stamps of its own.
 */
public record Buyer(TestServer server, MovableClock clock, String apiKey, String user, String token) {

    /** A new user (named after {@code label}, made unique). */
    public static Buyer of(TestServer server, MovableClock clock, String apiKey, String label) {
        String user = PendingCheckout.uniqueUser(label);
        return new Buyer(server, clock, apiKey, user, server.token(user));
    }

    /** Buys {@code packageId}, paid and delivered; answers its session id. */
    public String buy(String packageId) {
        tick();
        String session = server.checkout(token, packageId);
        deliverAll(server.stripe().completeCheckout(session));
        assertEquals("completed", server.storedStatus(session));
        return session;
    }

    public void spend(long amount) {
        wallet("spend", amount);
    }

    public void grant(long amount) {
        wallet("grant", amount);
    }

    private void wallet(String kind, long amount) {
        tick();
        String body = "{\"user_id\": \"" + user + "\", \"amount\": " + amount + ", \"idempotency_key\": \""
                + kind + "-" + clock.instant() + "-" + user + "\"}";
        HttpResponse<String> answer = server.post("/api/internal/coins/" + kind, body, apiKey);
        assertEquals(200, answer.statusCode(), answer.body());
    }

    /** Stripe refunds {@code cents} more of the purchase's payment (succeeded), and its events arrive. */
    public void refund(String session, long cents) {
        deliverAll(server.stripe().refund(paymentIntent(session), cents, "succeeded").events());
    }

    /** A dispute (not an inquiry) opens on the purchase's payment, and its events arrive. */
    public FakeStripe.Dispute openDispute(String session) {
        FakeStripe.Dispute dispute = server.stripe().openDispute(paymentIntent(session), false);
        deliverAll(dispute.events());
        return dispute;
    }

    /** The dispute closes as {@code status} (won, lost), and its events arrive. */
    public void closeDispute(FakeStripe.Dispute dispute, String status) {
        deliverAll(server.stripe().closeDispute(dispute.id(), status));
    }

    public String paymentIntent(String session) {
        return server.stripe().paymentIntentOf(session);
    }

    private void deliverAll(List<String> events) {
        tick();
        for (String event : events) {
            HttpResponse<String> answer = server.deliver(event);
            assertEquals(200, answer.statusCode(), answer.body());
        }
    }

    private void tick() {
        clock.advance(Duration.ofSeconds(1));
    }
}
