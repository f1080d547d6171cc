package coinpurse.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.CountingProxy;
import coinpurse.support.TestPostgres;
import coinpurse.support.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What one request costs PostgreSQL, counted on the wire by a proxy between the server and the
 * database (issue 19's budget): a verified webhook event of a returning buyer at most 6 round trips
 * and one commit, a status poll one round trip, a spend at most 5 round trips and one commit. The
 * pool's validation of a connection idle for more than half a second (never under load) is counted
 * apart, so that a slow machine cannot fail the test; everything else is deterministic (a test
 * server runs no sweeps). Always on PostgreSQL, whichever backend the run is for.
 */
class RoundTripBudgetTest {
    private static final String API_KEY = "internal-key-for-round-trips-0123456789";
    private static CountingProxy proxy;
    private static TestServer server;

    @BeforeAll
    static void start() {
        String url = TestPostgres.server().newDatabase();
        int port = Integer.parseInt(url.replaceFirst("^jdbc:postgresql://[^:/]+:(\\d+)/.*$", "$1"));
        proxy = CountingProxy.start(port);
        server = TestServer.startInTempDir(Map.of("DB_URL", proxy.proxied(url), "INTERNAL_API_KEY", API_KEY));
    }

    @AfterAll
    static void stop() {
        server.close();
        proxy.close();
    }

    @Test
    void aReturningBuyersWebhookEventCostsAtMostSixRoundTripsAndOneCommit() {
        String token = server.token("returning-buyer");
        buy(token); // the buyer is known from now on
        String sessionId = server.checkout(token, "popular");
        String paid = server.paidEvent(sessionId);

        CountingProxy.Counts cost = counted(() -> server.deliver(paid));

        assertEquals(1, cost.commits(), "commits: " + cost);
        assertEquals(0, cost.autocommits(), "statements outside the transaction: " + cost);
        assertTrue(cost.roundTrips() - cost.validations() <= 6, "round trips: " + cost);
        assertEquals("completed", server.storedStatus(sessionId));
    }

    @Test
    void aStatusPollIsOneRoundTrip() {
        String token = server.token("polling-buyer");
        String sessionId = buy(token);

        CountingProxy.Counts cost = counted(() -> server.get("/api/payment/status/" + sessionId, token));

        assertEquals(1, cost.roundTrips() - cost.validations(), "round trips: " + cost);
        assertEquals(0, cost.commits(), "no transaction of its own: " + cost);
    }

    @Test
    void aSpendCostsAtMostFiveRoundTripsAndOneCommit() {
        buy(server.token("spending-buyer"));

        CountingProxy.Counts cost = counted(() -> internal("/api/internal/coins/spend",
                "{\"user_id\":\"spending-buyer\",\"amount\":7,\"idempotency_key\":\"spend-1\",\"reason\":\"test\"}"));

        assertEquals(1, cost.commits(), "commits: " + cost);
        assertEquals(0, cost.autocommits(), "statements outside the transaction: " + cost);
        assertTrue(cost.roundTrips() - cost.validations() <= 5, "round trips: " + cost);
    }

    /** A paid purchase of {@code token}'s user through checkout and the webhook; its session id. */
    private static String buy(String token) {
        String sessionId = server.checkout(token, "popular");
        HttpResponse<String> answer = server.deliver(server.paidEvent(sessionId));
        assertEquals(200, answer.statusCode(), answer.body());
        return sessionId;
    }

    private static CountingProxy.Counts counted(Supplier<HttpResponse<String>> request) {
        CountingProxy.Counts before = proxy.counts();
        HttpResponse<String> answer = request.get();
        assertEquals(200, answer.statusCode(), answer.body());
        return proxy.counts().minus(before);
    }

    private static HttpResponse<String> internal(String path, String body) {
        return server.send(HttpRequest.newBuilder(URI.create(server.url(path)))
                .header("Authorization", "Bearer " + API_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
