package coinpurse.wallet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /api/coins/history}: newest first, pages by limit and a before cursor. */
class HistoryTest {
    private static final String USER = "history-user";
    private static final int ENTRIES = 230;

    @RunningServer
    static TestServer server;
    static String token;

    @BeforeAll
    static void seed() {
        token = server.token(USER);
        CoinBook book = server.coinBook();
        server.deps().db().inTransaction(connection -> {
            for (int i = 1; i <= ENTRIES; i++) {
                book.grant(connection, USER, i, null, "key-" + i);
            }
            book.grant(connection, "someone-else", 7, null, "other");
            return null;
        });
    }

    @Test
    void withoutALimitAnswersTheNewestFiftyNewestFirst() {
        JsonNode page = history("");
        JsonNode entries = page.get("entries");
        assertEquals(50, entries.size());
        assertEquals(ENTRIES, entries.get(0).get("delta").asLong(), "the newest entry comes first");
        for (int i = 1; i < entries.size(); i++) {
            assertTrue(entries.get(i - 1).get("id").asLong() > entries.get(i).get("id").asLong());
        }
        assertEquals("grant", entries.get(0).get("reason").asText());
        assertEquals("key-" + ENTRIES, entries.get(0).get("reference").asText());
        assertEquals(entries.get(49).get("id").asLong(), page.get("next_before").asLong());
    }

    @Test
    void theBeforeCursorWalksTheWholeHistoryWithoutGapsOrRepeats() {
        List<Long> deltas = new ArrayList<>();
        String query = "?limit=70";
        while (true) {
            JsonNode page = history(query);
            page.get("entries").forEach(entry -> deltas.add(entry.get("delta").asLong()));
            if (page.get("next_before").isNull()) {
                break;
            }
            query = "?limit=70&before=" + page.get("next_before").asLong();
        }
        assertEquals(ENTRIES, deltas.size());
        for (int i = 0; i < ENTRIES; i++) {
            assertEquals(ENTRIES - i, deltas.get(i), "entry " + i);
        }
    }

    @Test
    void aLimitOfTwoHundredIsServedAndOnlyTheCallersEntries() {
        JsonNode entries = history("?limit=200").get("entries");
        assertEquals(200, entries.size());
        entries.forEach(entry -> assertTrue(entry.get("reference").asText().startsWith("key-")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"?limit=0", "?limit=201", "?limit=-1", "?limit=abc", "?limit=2.5", "?before=0",
            "?before=x", "?before=-4"})
    void aBadLimitOrCursorIs400(String query) {
        HttpResponse<String> response = server.get("/api/coins/history" + query, token);
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("bad_request", TestServer.json(response).get("error").asText());
    }

    private static JsonNode history(String query) {
        HttpResponse<String> response = server.get("/api/coins/history" + query, token);
        assertEquals(200, response.statusCode(), response.body());
        return TestServer.json(response);
    }
}
