package coinpurse.support;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;

/** What the webhook answered, and what it did or did not write, for a {@link PendingCheckout}. */
public final class WebhookAssertions {
    /** The "popular" built-in package: 500 + 50 coins. */
    private static final long POPULAR_TOTAL = 550;
    private static final ObjectMapper JSON = new ObjectMapper();

    private WebhookAssertions() {}

    /** 200 and exactly {@code {"status": "success"}}: Stripe need not deliver it again. */
    public static void assertAccepted(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(JSON.createObjectNode().put("status", "success"), TestServer.json(response));
    }

    public static void assertCredited(TestServer server, PendingCheckout checkout) {
        assertAll("credited " + checkout.sessionId(),
                () -> assertEquals("completed", server.storedStatus(checkout.sessionId())),
                () -> assertEquals(POPULAR_TOTAL, server.storedBalance(checkout.userId())),
                () -> assertEquals(POPULAR_TOTAL, server.ledgerSum(checkout.userId())),
                () -> assertEquals(1, server.purchaseRows(checkout.sessionId())));
    }

    public static void assertNoCoins(TestServer server, PendingCheckout checkout) {
        assertAll("no coins for " + checkout.sessionId(),
                () -> assertEquals(0, server.storedBalance(checkout.userId())),
                () -> assertEquals(0, server.ledgerSum(checkout.userId())),
                () -> assertEquals(0, server.purchaseRows(checkout.sessionId())));
    }

    /** No coins, still pending, no payment intent stored, and the event not recorded. */
    public static void assertNothingChanged(TestServer server, PendingCheckout checkout, String eventId) {
        assertNoCoins(server, checkout);
        assertEquals("pending", server.storedStatus(checkout.sessionId()));
        assertNull(server.storedPaymentIntent(checkout.sessionId()));
        assertEquals(0, server.processedEventRows(eventId));
    }
}
