package coinpurse.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.stripe.RefundData;
import coinpurse.support.RunningServer;
import coinpurse.support.StripeEvents;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code stripe.sandbox=true} with no Stripe key and no webhook secret, as the README's quick start
 * runs: a checkout answers the sandbox's own page, paying there sends Stripe's signed event through
 * the real webhook route over HTTP, and the coins land; a declined card changes nothing.
 */
class SandboxPurchaseTest {
    @RunningServer(sandbox = true)
    static TestServer server;

    private final SandboxPages pages = new SandboxPages(server);

    @Test
    void healthSaysTheSandboxPlaysStripe() {
        HttpResponse<String> health = server.get("/health", null);

        assertEquals(200, health.statusCode(), health.body());
        assertEquals("sandbox", TestServer.json(health).get("stripe").asText());
    }

    @Test
    void checkoutAnswersTheSandboxsOwnPage() {
        String token = server.token("sandbox-page");
        HttpResponse<String> created = server.post("/api/payment/create-checkout-session",
                "{\"package_id\": \"popular\"}", token);

        assertEquals(200, created.statusCode(), created.body());
        String sessionId = TestServer.json(created).get("session_id").asText();
        assertTrue(sessionId.startsWith("cs_sandbox_"), sessionId);
        assertEquals(server.url("/sandbox/checkout/" + sessionId), TestServer.json(created).get("checkout_url").asText());
        HttpResponse<String> page = server.get("/sandbox/checkout/" + sessionId, null);
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        JsonNode session = pages.session(sessionId);
        assertEquals("open", session.get("status").asText());
        assertEquals(1999, session.get("amount").asLong());
        assertEquals("usd", session.get("currency").asText());
        assertEquals(500, session.get("package").get("coins").asLong());
        assertEquals("pending", server.storedStatus(sessionId));
    }

    @Test
    void payingSendsTheSignedEventThroughTheWebhookAndTheCoinsLand() {
        String token = server.token("sandbox-buyer");
        String sessionId = pages.checkout(token, "popular");

        HttpResponse<String> paid = pages.pay(sessionId, "4242 4242 4242 4242");

        assertEquals(200, paid.statusCode(), paid.body());
        assertEquals("http://localhost:5173/payment/success?session_id=" + sessionId,
                TestServer.json(paid).get("redirect_url").asText());
        assertEquals(List.of("checkout.session.completed"), pages.deliveredEvents(sessionId));
        String eventId = pages.session(sessionId).get("events").get(0).get("id").asText();
        assertEquals("credited", server.eventOutcome(eventId), "the webhook handled it (unsigned: refused, unrecorded)");
        assertEquals("completed", server.storedStatus(sessionId));
        assertEquals(pages.session(sessionId).get("payment").get("payment_intent").asText(),
                server.storedPaymentIntent(sessionId));
        assertEquals(550, server.storedBalance("sandbox-buyer"));
        JsonNode status = TestServer.json(server.get("/api/payment/status/" + sessionId, token));
        assertEquals("completed", status.get("status").asText());
        assertEquals(550, status.get("new_balance").asLong());
        assertEquals(409, pages.pay(sessionId, "4242424242424242").statusCode(), "a complete session is paid once");
    }

    @Test
    void aDeclinedCardChangesNothingAndTheSessionStaysOpen() {
        String token = server.token("sandbox-declined");
        String sessionId = pages.checkout(token, "starter");

        HttpResponse<String> declined = pages.pay(sessionId, "4000 0000 0000 0002");

        assertEquals(402, declined.statusCode(), declined.body());
        assertEquals("card_declined", TestServer.json(declined).get("error").asText());
        assertEquals("Your card was declined.", TestServer.json(declined).get("message").asText());
        assertEquals("open", pages.session(sessionId).get("status").asText());
        assertEquals(0, pages.session(sessionId).get("events").size());
        assertEquals("pending", server.storedStatus(sessionId));
        assertEquals(0, server.storedBalance("sandbox-declined"));

        HttpResponse<String> unknownCard = pages.pay(sessionId, "5555 5555 5555 4444");
        assertEquals(402, unknownCard.statusCode(), unknownCard.body());
        assertEquals("incorrect_number", TestServer.json(unknownCard).get("error").asText());

        assertEquals(200, pages.pay(sessionId, "4242-4242-4242-4242").statusCode());
        assertEquals(100, server.storedBalance("sandbox-declined"));
    }

    @Test
    void aPartialThenAWholeRefundTakeTheCoinsBackAsTheChargeSays() {
        String token = server.token("sandbox-refunded");
        String sessionId = pages.checkout(token, "popular");
        String paymentIntent = pages.paid(sessionId);

        HttpResponse<String> part = pages.refund(sessionId, 500L);

        assertEquals(200, part.statusCode(), part.body());
        assertEquals(500, TestServer.json(part).get("payment").get("amount_refunded").asLong());
        assertEquals(List.of("checkout.session.completed", "charge.refunded", "refund.created"),
                pages.deliveredEvents(sessionId));
        // floor(550 coins × 500 / 1999 cents) = 137 taken back
        assertEquals(413, server.storedBalance("sandbox-refunded"));
        assertEquals("completed", server.storedStatus(sessionId));
        assertRefundsAgreeWithTheCharge(paymentIntent, 500);

        HttpResponse<String> rest = pages.refund(sessionId, null);

        assertEquals(200, rest.statusCode(), rest.body());
        assertTrue(TestServer.json(rest).get("payment").get("refunded").asBoolean());
        assertEquals(0, server.storedBalance("sandbox-refunded"));
        assertEquals("refunded", server.storedStatus(sessionId));
        assertRefundsAgreeWithTheCharge(paymentIntent, 1999);
        HttpResponse<String> again = pages.refund(sessionId, 1L);
        assertEquals(409, again.statusCode(), again.body());
        assertEquals("charge_already_refunded", TestServer.json(again).get("error").asText());
    }

    @Test
    void aRefundOfMoreThanIsLeftIsRefused() {
        String sessionId = pages.checkout(server.token("sandbox-greedy"), "starter");
        pages.paid(sessionId);

        HttpResponse<String> tooMuch = pages.refund(sessionId, 500L);

        assertEquals(409, tooMuch.statusCode(), tooMuch.body());
        assertEquals("amount_too_large", TestServer.json(tooMuch).get("error").asText());
        assertEquals(100, server.storedBalance("sandbox-greedy"));
        assertEquals(400, pages.refund(sessionId, 0L).statusCode());
        assertEquals(409, pages.refund(pages.checkout(server.token("sandbox-greedy"), "starter"), 1L).statusCode(),
                "an unpaid session has nothing to refund");
    }

    @Test
    void aLostDisputeKeepsTheCoinsTakenAndTheStatusBecomesRefunded() {
        String sessionId = pages.checkout(server.token("sandbox-lost"), "popular");
        pages.paid(sessionId);

        assertEquals(200, pages.openDispute(sessionId).statusCode());
        assertEquals(0, server.storedBalance("sandbox-lost"));
        assertEquals("completed", server.storedStatus(sessionId));
        HttpResponse<String> refundWhileOpen = pages.refund(sessionId, 100L);
        assertEquals(409, refundWhileOpen.statusCode());
        assertEquals("charge_disputed", TestServer.json(refundWhileOpen).get("error").asText());

        assertEquals(200, pages.closeDispute(sessionId, "lost").statusCode());

        assertEquals(0, server.storedBalance("sandbox-lost"));
        assertEquals("refunded", server.storedStatus(sessionId));
        assertEquals(List.of("checkout.session.completed", "charge.dispute.created", "charge.dispute.funds_withdrawn",
                "charge.dispute.closed"), pages.deliveredEvents(sessionId));
        assertEquals("lost", pages.session(sessionId).get("payment").get("disputes").get(0).get("status").asText());
    }

    @Test
    void aWonDisputeGivesTheCoinsBack() {
        String sessionId = pages.checkout(server.token("sandbox-won"), "popular");
        pages.paid(sessionId);
        assertEquals(409, pages.closeDispute(sessionId, "won").statusCode(), "no dispute is open yet");

        pages.openDispute(sessionId);
        assertEquals(409, pages.openDispute(sessionId).statusCode(), "one open dispute at a time");
        assertEquals(0, server.storedBalance("sandbox-won"));
        HttpResponse<String> won = pages.closeDispute(sessionId, "won");

        assertEquals(200, won.statusCode(), won.body());
        assertEquals(550, server.storedBalance("sandbox-won"));
        assertEquals("completed", server.storedStatus(sessionId));
        assertEquals(List.of("checkout.session.completed", "charge.dispute.created", "charge.dispute.funds_withdrawn",
                "charge.dispute.closed", "charge.dispute.funds_reinstated"), pages.deliveredEvents(sessionId));
        assertEquals(400, pages.closeDispute(sessionId, "maybe").statusCode());
    }

    @Test
    void theWebhookAcceptsOnlyTheSecretTheSandboxGeneratedForItself() {
        String sessionId = pages.checkout(server.token("sandbox-forger"), "starter");
        String forged = StripeEvents.checkoutEvent("checkout.session.completed", StripeEvents.paidSession(sessionId,
                "sandbox-forger", "starter", 100, 0, 499, "usd"));

        HttpResponse<String> answer = server.deliver(forged);

        assertEquals(400, answer.statusCode(), answer.body());
        assertEquals(0, server.storedBalance("sandbox-forger"));
    }

    @Test
    void anUnknownSessionIsNotFound() {
        HttpResponse<String> answer = server.get("/sandbox/sessions/cs_sandbox_nope", null);

        assertEquals(404, answer.statusCode(), answer.body());
        assertEquals(404, pages.pay("cs_sandbox_nope", "4242424242424242").statusCode());
    }

    /** The gateway's list of refunds (what the webhook reads from Stripe) agrees with the charge's amount_refunded. */
    private static void assertRefundsAgreeWithTheCharge(String paymentIntent, long amountRefunded) {
        List<RefundData> refunds = server.deps().stripe().orElseThrow().listRefunds(paymentIntent);
        assertEquals(amountRefunded, refunds.stream().filter(r -> !"failed".equals(r.status())
                && !"canceled".equals(r.status())).mapToLong(RefundData::amount).sum());
        refunds.forEach(refund -> assertEquals(paymentIntent, refund.paymentIntent()));
    }
}
