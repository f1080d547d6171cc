package coinpurse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import coinpurse.support.StripeEvents;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A database written by the real app through its API and signed webhooks, for the commands that
 * read it: purchases, a partial refund, a full refund, a lost dispute, spends, grants, a pending
 * session and a rejected event. The server needs {@link #SERVER_ENV}.
 *
 * <pre>
 *   alice  popular 550, spends 200 (alice-sword), granted 100 (alice-welcome)  → 450
 *   bob    best_value 1400, refunded 10.00 of 39.99: 350 coins back             → 1050
 *   carol  popular 550, disputed and lost: status refunded                     → 0
 *   dave   starter 100, spends 30 (dave-potion); a popular session left pending → 70
 *   erin   popular 550, fully refunded                                          → 0
 *   frank  granted 25 (frank-welcome)                                           → 25
 *   gina   popular, paid 9.99 by an event that does not match: rejected         → 0
 * </pre>
 */
final class MoneyStory {
    static final String API_KEY = "audit-internal-key-0123456789";
    static final String[] SERVER_ENV = {"INTERNAL_API_KEY=" + API_KEY, "RATELIMIT_CHECKOUT_PER_MINUTE=1000"};
    private static final ObjectMapper JSON = new ObjectMapper();

    final TestServer server;
    /** The ids of the events delivered about each user's purchases, in order. */
    final Map<String, List<String>> eventsOf = new LinkedHashMap<>();
    String alicePopular;
    String bobBestValue;
    String carolPopular;
    String daveStarter;
    String davePending;
    String erinPopular;
    String ginaRejected;
    String ginaRejectedEvent;

    private MoneyStory(TestServer server) {
        this.server = server;
    }

    static MoneyStory tell(TestServer server) {
        MoneyStory story = new MoneyStory(server);
        story.happen();
        return story;
    }

    private void happen() {
        alicePopular = bought("alice", "popular");
        wallet("spend", "alice", 200, "alice-sword");
        wallet("grant", "alice", 100, "alice-welcome");

        bobBestValue = bought("bob", "best_value");
        deliver("bob", server.stripe().refund(server.stripe().paymentIntentOf(bobBestValue), 1000, "succeeded").events());

        carolPopular = bought("carol", "popular");
        var dispute = server.stripe().openDispute(server.stripe().paymentIntentOf(carolPopular), false);
        deliver("carol", dispute.events());
        deliver("carol", server.stripe().closeDispute(dispute.id(), "lost"));

        daveStarter = bought("dave", "starter");
        wallet("spend", "dave", 30, "dave-potion");
        davePending = server.checkout(server.token("dave"), "popular");

        erinPopular = bought("erin", "popular");
        deliver("erin", server.stripe().refund(server.stripe().paymentIntentOf(erinPopular), 1999, "succeeded").events());

        wallet("grant", "frank", 25, "frank-welcome");

        ginaRejected = server.checkout(server.token("gina"), "popular");
        server.stripe().markPaid(ginaRejected);
        ObjectNode underpaid = server.stripe().session(ginaRejected).put("amount_total", 999);
        ginaRejectedEvent = StripeEvents.newEventId();
        deliver("gina", List.of(StripeEvents.checkoutEvent(ginaRejectedEvent, "checkout.session.completed",
                underpaid)));

        assertEquals(450, server.storedBalance("alice"));
        assertEquals(1050, server.storedBalance("bob"));
        assertEquals(0, server.storedBalance("carol"));
        assertEquals("refunded", server.storedStatus(carolPopular));
        assertEquals(70, server.storedBalance("dave"));
        assertEquals("refunded", server.storedStatus(erinPopular));
        assertEquals(25, server.storedBalance("frank"));
        assertEquals("rejected", server.eventOutcome(ginaRejectedEvent));
    }

    private String bought(String user, String packageId) {
        String session = server.checkout(server.token(user), packageId);
        deliver(user, server.stripe().completeCheckout(session));
        assertEquals("completed", server.storedStatus(session));
        return session;
    }

    private void deliver(String user, List<String> events) {
        for (String event : events) {
            HttpResponse<String> answer = server.deliver(event);
            assertEquals(200, answer.statusCode(), answer.body());
            eventsOf.computeIfAbsent(user, u -> new ArrayList<>()).add(StripeEvents.eventIdOf(event));
        }
    }

    void wallet(String kind, String user, long amount, String key) {
        String body = JSON.createObjectNode().put("user_id", user).put("amount", amount).put("idempotency_key", key)
                .put("reason", "audit test").toString();
        HttpResponse<String> answer = server.post("/api/internal/coins/" + kind, body, API_KEY);
        assertEquals(200, answer.statusCode(), answer.body());
    }

    /** Runs statements straight on the server's database, as a person with a SQL shell might. */
    static void sql(TestServer server, String... statements) {
        try (Connection connection = server.deps().db().dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.executeUpdate(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
