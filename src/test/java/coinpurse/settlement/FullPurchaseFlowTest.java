package coinpurse.settlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** create → (fake) pay → webhook → status completed → balance and history. */
class FullPurchaseFlowTest {
    @RunningServer
    static TestServer server;

    @Test
    void aPaidCheckoutEndsWithTheCoinsOnTheBalanceAndInTheHistory() {
        String token = server.token("user-flow");

        HttpResponse<String> created = server.post("/api/payment/create-checkout-session",
                "{\"package_id\": \"popular\"}", token);
        assertEquals(200, created.statusCode(), created.body());
        JsonNode answer = TestServer.json(created);
        String sessionId = answer.get("session_id").asText();
        assertTrue(sessionId.startsWith("cs_"), sessionId);
        assertEquals(server.stripe().session(sessionId).get("url").asText(), answer.get("checkout_url").asText());

        JsonNode pending = TestServer.json(server.get("/api/payment/status/" + sessionId, token));
        assertEquals("pending", pending.get("status").asText());
        assertTrue(pending.get("coins_added").isNull());
        assertTrue(pending.get("new_balance").isNull());

        HttpResponse<String> delivered = server.deliver(server.paidEvent(sessionId));
        assertEquals(200, delivered.statusCode(), delivered.body());
        assertEquals("success", TestServer.json(delivered).get("status").asText());

        JsonNode completed = TestServer.json(server.get("/api/payment/status/" + sessionId, token));
        assertEquals("completed", completed.get("status").asText());
        assertEquals(sessionId, completed.get("session_id").asText());
        assertEquals(550, completed.get("coins_added").asLong());
        assertEquals(550, completed.get("new_balance").asLong());

        JsonNode balance = TestServer.json(server.get("/api/coins/balance", token));
        assertEquals("user-flow", balance.get("user_id").asText());
        assertEquals(550, balance.get("balance").asLong());

        JsonNode entries = TestServer.json(server.get("/api/coins/history", token)).get("entries");
        assertEquals(1, entries.size());
        JsonNode entry = entries.get(0);
        assertEquals(550, entry.get("delta").asLong());
        assertEquals(550, entry.get("balance_after").asLong());
        assertEquals("purchase", entry.get("reason").asText());
        assertEquals(sessionId, entry.get("reference").asText());
        assertTrue(entry.hasNonNull("id") && entry.hasNonNull("created_at"));
        assertEquals(550, server.ledgerSum("user-flow"));
    }
}
