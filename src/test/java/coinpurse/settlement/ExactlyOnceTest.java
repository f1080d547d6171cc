package coinpurse.settlement;

import static coinpurse.support.Concurrently.allAtOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.RunningServer;
import coinpurse.support.StripeEvents;
import coinpurse.support.TestServer;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fulfilment credits a session once, whatever arrives how often and at the same time:
 * real threads sending real HTTP requests at the same instant.
 */
class ExactlyOnceTest {
    private static final int POPULAR_COINS = 550;
    private static final int THREADS = 12;

    @RunningServer
    static TestServer server;

    @Test
    void theSameEventDeliveredManyTimesAtOnceCreditsOnce() throws Exception {
        String user = "same-event";
        String sessionId = server.checkout(server.token(user), "popular");
        String event = server.paidEvent(sessionId);

        List<HttpResponse<String>> answers = allAtOnce(THREADS, i -> () -> server.deliver(event));

        answers.forEach(answer -> assertEquals(200, answer.statusCode(), answer.body()));
        assertEquals(1, server.purchaseRows(sessionId));
        assertEquals(POPULAR_COINS, server.storedBalance(user));
        assertEquals(POPULAR_COINS, server.ledgerSum(user));
        assertEquals(1, server.queryLong("SELECT COUNT(*) FROM processed_events WHERE session_id = ?", sessionId));
    }

    @Test
    void completedAndAsyncSucceededForOneSessionAtOnceCreditOnce() throws Exception {
        String user = "two-events";
        String token = server.token(user);
        List<String> sessions = new ArrayList<>();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < THREADS / 2; i++) {
            String sessionId = server.checkout(token, "starter");
            server.stripe().markPaid(sessionId);
            sessions.add(sessionId);
            events.add(StripeEvents.checkoutEvent(StripeEvents.newEventId(), "checkout.session.completed",
                    server.stripe().session(sessionId)));
            events.add(StripeEvents.checkoutEvent(StripeEvents.newEventId(),
                    "checkout.session.async_payment_succeeded", server.stripe().session(sessionId)));
        }

        List<HttpResponse<String>> answers = allAtOnce(events.size(), i -> () -> server.deliver(events.get(i)));

        answers.forEach(answer -> assertEquals(200, answer.statusCode(), answer.body()));
        for (String sessionId : sessions) {
            assertEquals(1, server.purchaseRows(sessionId), sessionId);
            assertEquals("completed", server.storedStatus(sessionId));
        }
        assertEquals(100L * sessions.size(), server.storedBalance(user));
        assertEquals(server.storedBalance(user), server.ledgerSum(user));
    }

    @Test
    void theWebhookRacingTheStatusRouteCreditsOnce() throws Exception {
        String user = "race";
        String token = server.token(user);
        List<String> sessions = new ArrayList<>();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < THREADS / 2; i++) {
            String sessionId = server.checkout(token, "popular");
            sessions.add(sessionId);
            events.add(server.paidEvent(sessionId));
        }

        // Even tasks deliver the webhook, odd ones poll the status route, for the same sessions at once.
        List<HttpResponse<String>> answers = allAtOnce(sessions.size() * 2, i -> i % 2 == 0
                ? () -> server.deliver(events.get(i / 2))
                : () -> server.get("/api/payment/status/" + sessions.get(i / 2), token));

        answers.forEach(answer -> assertEquals(200, answer.statusCode(), answer.body()));
        for (String sessionId : sessions) {
            assertEquals(1, server.purchaseRows(sessionId), sessionId);
            // A poll that reads the row after the webhook committed has no reason to ask Stripe.
            assertTrue(server.stripe().retrieveCount(sessionId) <= 1, "at most one Stripe poll per session");
        }
        assertEquals((long) POPULAR_COINS * sessions.size(), server.storedBalance(user));
        assertEquals(server.storedBalance(user), server.ledgerSum(user));
    }

    @Test
    void theUniqueIndexNotTheStatusCheckIsWhatStopsASecondCredit() throws Exception {
        String user = "constraint";
        String sessionId = server.checkout(server.token(user), "popular");
        assertEquals(200, server.deliver(server.paidEvent(sessionId)).statusCode());
        assertEquals(POPULAR_COINS, server.storedBalance(user));

        // Pretend the code-level check was fooled: the row says pending again.
        try (Connection connection = server.deps().db().dataSource().getConnection();
                PreparedStatement reset = connection.prepareStatement(
                        "UPDATE payment_sessions SET status = 'pending' WHERE session_id = ?")) {
            reset.setString(1, sessionId);
            assertEquals(1, reset.executeUpdate());
        }
        String secondEvent = StripeEvents.checkoutEvent(StripeEvents.newEventId(), "checkout.session.completed",
                server.stripe().session(sessionId));
        HttpResponse<String> answer = server.deliver(secondEvent);

        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(1, server.purchaseRows(sessionId));
        assertEquals(POPULAR_COINS, server.storedBalance(user));
        String secondEventId = TestServer.parse(secondEvent).get("id").asText();
        assertEquals("already_done",
                server.queryString("SELECT outcome FROM processed_events WHERE event_id = ?", secondEventId));
    }
}
