package coinpurse.wallet;

import static coinpurse.support.Concurrently.allAtOnce;
import static coinpurse.support.JsonAssertions.assertError;
import static coinpurse.support.JsonAssertions.fieldNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The web app's server spending and granting coins through {@code /api/internal/coins/…}:
 * real HTTP into the real app on a temp SQLite file, checked against what is stored.
 */
class InternalWalletTest {
    private static final String API_KEY = "internal-test-key-0123456789";
    private static final String SPEND = "/api/internal/coins/spend";
    private static final String GRANT = "/api/internal/coins/grant";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> RECEIPT_FIELDS = List.of("user_id", "balance", "entry_id", "paid", "bonus");

    @RunningServer(env = {"INTERNAL_API_KEY=" + API_KEY})
    static TestServer server;

    @Test
    void grantThenSpendChangesTheBalanceAndWritesOneLedgerRowEach() {
        String user = "grant-then-spend";

        JsonNode granted = ok(server.post(GRANT, body(user, 100, "gts-grant", "welcome bonus"), API_KEY));
        JsonNode spent = ok(server.post(SPEND, body(user, 30, "gts-spend", "sword"), API_KEY));

        assertEquals(user, granted.get("user_id").asText());
        assertEquals(100, granted.get("balance").asLong());
        assertEquals(70, spent.get("balance").asLong());
        assertEquals(70, server.storedBalance(user));
        assertEquals(70, server.ledgerSum(user));
        assertEquals(2, ledgerRows(user));
        assertLedgerRow(granted.get("entry_id").asLong(), user, 100, 100, "grant", "gts-grant");
        assertLedgerRow(spent.get("entry_id").asLong(), user, -30, 70, "spend", "gts-spend");
        assertEquals("sword",
                server.queryString("SELECT reason FROM wallet_operations WHERE idempotency_key = ?", "gts-spend"));
        assertEquals(70, balanceSeenByTheUser(user));
    }

    @Test
    void aGrantToAnUnknownUserCreatesThem() {
        String user = "never-seen-before";
        assertEquals(0, userRows(user));

        JsonNode granted = ok(server.post(GRANT, body(user, 5, "unknown-user-grant", null), API_KEY));

        assertEquals(5, granted.get("balance").asLong());
        assertEquals(1, userRows(user));
        assertEquals(5, server.storedBalance(user));
        assertNull(server.queryString("SELECT reason FROM wallet_operations WHERE idempotency_key = ?",
                "unknown-user-grant"));
    }

    @Test
    void theLargestAmountIsAcceptedOnce() {
        String user = "largest-amount";
        JsonNode granted = ok(server.post(GRANT,
                body(user, WalletOperation.MAX_AMOUNT, "largest-amount-grant", null), API_KEY));
        assertEquals(WalletOperation.MAX_AMOUNT, granted.get("balance").asLong());
    }

    @Test
    void spendingMoreThanTheBalanceIs409AndWritesNothing() {
        String user = "overspender";
        ok(server.post(GRANT, body(user, 50, "overspend-grant", null), API_KEY));

        HttpResponse<String> refused = server.post(SPEND, body(user, 51, "overspend-spend", null), API_KEY);

        assertError(refused, 409, "insufficient_funds");
        assertEquals(50, server.storedBalance(user));
        assertEquals(1, ledgerRows(user));
        assertEquals(0, operationRows("overspend-spend"));
        // Exactly the balance is fine.
        assertEquals(0, ok(server.post(SPEND, body(user, 50, "overspend-all", null), API_KEY)).get("balance").asLong());
    }

    @Test
    void spendingForAUserNeverSeenIs409AndDoesNotCreateThem() {
        String user = "spender-never-seen";

        assertError(server.post(SPEND, body(user, 1, "never-seen-spend", null), API_KEY), 409, "insufficient_funds");

        assertEquals(0, userRows(user));
        assertEquals(0, operationRows("never-seen-spend"));
    }

    @Test
    void anySpendWhileTheBalanceIsBelowZeroIsRefused() {
        String user = "below-zero";
        ok(server.post(GRANT, body(user, 10, "below-zero-grant", null), API_KEY));
        // A refund taking back more than is left, as the refund path may.
        server.deps().db().inTransaction(connection ->
                server.coinBook().spend(connection, user, 40, "refund", "ch_below_zero", true));
        assertEquals(-30, server.storedBalance(user));

        assertError(server.post(SPEND, body(user, 1, "below-zero-spend", null), API_KEY), 409, "insufficient_funds");

        assertEquals(-30, server.storedBalance(user));
        assertEquals(2, ledgerRows(user));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "-100", "2.5", "1.0", "\"5\"", "1e3", "1E3", "1000000001", "1000000000000",
            "9223372036854775807", "9223372036854775808", "true", "null", "[5]", "{\"value\": 5}"})
    void aBadAmountIs400AndWritesNothing(String amount) {
        String user = "bad-amount";
        String key = "bad-amount-" + amount;

        HttpResponse<String> grant = server.post(GRANT, rawBody(user, amount, key), API_KEY);
        HttpResponse<String> spend = server.post(SPEND, rawBody(user, amount, key), API_KEY);

        assertError(grant, 400, "bad_request");
        assertError(spend, 400, "bad_request");
        assertTrue(TestServer.json(grant).get("message").asText().contains("amount"), grant.body());
        assertEquals(0, userRows(user));
        assertEquals(0, ledgerRows(user));
        assertEquals(0, operationRows(key));
    }

    @Test
    void aMissingAmountIs400() {
        assertError(server.post(GRANT, "{\"user_id\": \"no-amount\", \"idempotency_key\": \"no-amount\"}", API_KEY),
                400, "bad_request");
        assertEquals(0, userRows("no-amount"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\"idempotency_key\": null,", "\"idempotency_key\": \"\",", "\"idempotency_key\": \"   \",",
            "\"idempotency_key\": 42,"})
    void aMissingOrBlankIdempotencyKeyIs400(String keyField) {
        String user = "no-key";
        String body = "{" + keyField + "\"user_id\": \"" + user + "\", \"amount\": 5}";

        assertError(server.post(GRANT, body, API_KEY), 400, "bad_request");
        assertEquals(0, userRows(user));
    }

    @Test
    void anIdempotencyKeyOfMoreThan255CharactersIs400() {
        assertError(server.post(GRANT, body("long-key", 5, "k".repeat(256), null), API_KEY), 400, "bad_request");
        assertEquals(0, userRows("long-key"));
        ok(server.post(GRANT, body("long-key", 5, "k".repeat(255), null), API_KEY));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "not json",
        "[]",
        "\"text\"",
        "{\"amount\": 5, \"idempotency_key\": \"bb-1\"}",
        "{\"user_id\": \"\", \"amount\": 5, \"idempotency_key\": \"bb-2\"}",
        "{\"user_id\": 42, \"amount\": 5, \"idempotency_key\": \"bb-3\"}",
        "{\"user_id\": \"bad-body\", \"amount\": 5, \"idempotency_key\": \"bb-4\", \"reason\": 7}",
        "{\"user_id\": \"bad-body\", \"amount\": 5, \"idempotency_key\": \"bb-5\", \"amout\": 5}",
        "{\"user_id\": \"bad-body\", \"amount\": 5, \"amount\": 6, \"idempotency_key\": \"bb-6\"}"})
    void otherBadBodiesAre400(String body) {
        assertError(server.post(GRANT, body, API_KEY), 400, "bad_request");
        assertEquals(0, userRows("bad-body"));
    }

    @Test
    void tooLongUserIdOrReasonIs400() {
        assertError(server.post(GRANT, body("u".repeat(129), 5, "too-long-user", null), API_KEY), 400, "bad_request");
        assertError(server.post(GRANT, body("too-long-reason", 5, "too-long-reason", "r".repeat(256)), API_KEY),
                400, "bad_request");
        assertEquals(0, userRows("too-long-reason"));
        assertEquals(0, operationRows("too-long-user") + operationRows("too-long-reason"));
    }

    /**
     * PostgreSQL's text cannot hold NUL (SQLite's can): refused before the database on either
     * backend. Ids hold no control character at all; a reason may hold a tab or a newline.
     */
    @ParameterizedTest
    @ValueSource(strings = {"user_id", "idempotency_key", "reason"})
    void aNulInAnyFieldIs400AndWritesNothing(String field) {
        ObjectNode body = JSON.createObjectNode().put("user_id", "nul-field").put("amount", 5)
                .put("idempotency_key", "nul-field-" + field).put("reason", "nul field");
        body.put(field, body.get(field).asText() + "\u0000");

        assertError(server.post(GRANT, body.toString(), API_KEY), 400, "bad_request");
        assertError(server.post(SPEND, body.toString(), API_KEY), 400, "bad_request");
        assertEquals(0, userRows("nul-field"));
        assertEquals(0, operationRows("nul-field-" + field));
    }

    /** Each character as a JSON escape: a lone surrogate cannot travel as UTF-8 (it would arrive as '?'). */
    @ParameterizedTest
    @ValueSource(strings = {"\\n", "\\t", "\\r", "\\u001b", "\\u007f", "\\ud800"})
    void aControlCharacterOrLoneSurrogateInAnIdIs400ButAReasonMayHoldLineBreaks(String escaped) {
        String key = "ctl-" + escaped.substring(1);
        assertError(server.post(GRANT, "{\"user_id\": \"ctl-id" + escaped + "\", \"amount\": 5, \"idempotency_key\": \""
                + key + "\"}", API_KEY), 400, "bad_request");
        assertError(server.post(GRANT, "{\"user_id\": \"ctl-key\", \"amount\": 5, \"idempotency_key\": \"ctl-key"
                + escaped + "\"}", API_KEY), 400, "bad_request");
        assertEquals(0, userRows("ctl-key"));
        assertEquals(0, operationRows(key));

        ok(server.post(GRANT, body("ctl-reason", 5, key, "a\tb\nc"), API_KEY));
    }

    @Test
    void theSameKeyAgainReturnsTheFirstAnswerAndWritesNothing() {
        String user = "repeat";
        ok(server.post(GRANT, body(user, 100, "repeat-grant", null), API_KEY));
        HttpResponse<String> first = server.post(SPEND, body(user, 80, "repeat-spend", "shield"), API_KEY);
        ok(first);
        // The balance moves on (and would no longer cover 80)...
        ok(server.post(SPEND, body(user, 20, "repeat-other", null), API_KEY));
        long rows = ledgerRows(user);

        HttpResponse<String> again = server.post(SPEND, body(user, 80, "repeat-spend", "shield"), API_KEY);
        HttpResponse<String> grantAgain = server.post(GRANT, body(user, 100, "repeat-grant", null), API_KEY);

        // ...yet the repeat answers exactly as the first time did, and changes nothing.
        assertEquals(200, again.statusCode(), again.body());
        assertEquals(first.body(), again.body());
        assertEquals(20, TestServer.json(again).get("balance").asLong());
        assertEquals(100, ok(grantAgain).get("balance").asLong());
        assertEquals(rows, ledgerRows(user));
        assertEquals(0, server.storedBalance(user));
        assertEquals(0, server.ledgerSum(user));
    }

    @Test
    void theSameKeyWithADifferentBodyIs409AndWritesNothing() {
        String user = "conflict";
        String key = "conflict-key";
        ok(server.post(GRANT, body(user, 10, key, "daily reward"), API_KEY));

        assertError(server.post(GRANT, body(user, 11, key, "daily reward"), API_KEY), 409, "idempotency_conflict");
        assertError(server.post(GRANT, body("conflict-other", 10, key, "daily reward"), API_KEY),
                409, "idempotency_conflict");
        assertError(server.post(SPEND, body(user, 10, key, "daily reward"), API_KEY), 409, "idempotency_conflict");
        assertError(server.post(GRANT, body(user, 10, key, "weekly reward"), API_KEY), 409, "idempotency_conflict");
        assertError(server.post(GRANT, body(user, 10, key, null), API_KEY), 409, "idempotency_conflict");

        assertEquals(1, ledgerRows(user));
        assertEquals(0, userRows("conflict-other"));
        assertEquals(10, server.storedBalance(user));
    }

    @Test
    void aMissingOrWrongKeyIs401AndWritesNothing() {
        String body = body("unauthorized", 5, "unauthorized-grant", null);

        assertError(server.post(GRANT, body, null), 401, "unauthorized");
        assertError(server.post(GRANT, body, API_KEY + "x"), 401, "unauthorized");
        assertError(server.post(GRANT, body, API_KEY.substring(0, API_KEY.length() - 1)), 401, "unauthorized");
        assertError(server.post(SPEND, body, server.token("unauthorized")), 401, "unauthorized");
        assertError(withAuthorization(GRANT, body, "Basic " + API_KEY), 401, "unauthorized");
        assertError(withAuthorization(GRANT, body, "Bearer "), 401, "unauthorized");

        assertEquals(0, userRows("unauthorized"));
        assertEquals(0, operationRows("unauthorized-grant"));
    }

    @Test
    void aKeyDifferingOnlyInCaseIs401RightAfterTheRightKeyOnTheSameConnection() {
        // The right key first, so that the client's kept-alive connection has just carried it.
        ok(server.post(GRANT, body("case-variant", 1, "case-variant-ok", null), API_KEY));

        assertError(server.post(GRANT, body("case-variant", 1, "case-variant-upper", null), API_KEY.toUpperCase()),
                401, "unauthorized");

        assertEquals(0, operationRows("case-variant-upper"));
        assertEquals(1, server.storedBalance("case-variant"));
    }

    @Test
    void withoutAConfiguredKeyTheRoutesAnswerAsUnknownRoutes(@TempDir Path otherDir) {
        try (TestServer keyless = TestServer.startWithoutStripe(otherDir)) {
            String body = body("keyless", 5, "keyless-grant", null);
            for (String path : List.of(SPEND, GRANT)) {
                HttpResponse<String> answer = keyless.post(path, body, API_KEY);
                HttpResponse<String> unknown = keyless.post(path + "-nothing-here", body, API_KEY);

                assertError(answer, 404, "not_found");
                assertEquals(unknown.statusCode(), answer.statusCode());
                assertEquals(unknown.body().replace(path + "-nothing-here", path), answer.body());
                assertEquals(unknown.headers().firstValue("Content-Type"), answer.headers().firstValue("Content-Type"));
            }
            assertEquals(0, keyless.queryLong("SELECT COUNT(*) FROM users WHERE id = ?", "keyless"));
        }
    }

    @Test
    void concurrentSpendsThatTogetherExceedTheBalanceDoNotOverspend() throws Exception {
        String user = "concurrent-spends";
        ok(server.post(GRANT, body(user, 100, "concurrent-grant", null), API_KEY));

        List<HttpResponse<String>> answers = allAtOnce(10,
                i -> () -> server.post(SPEND, body(user, 30, "concurrent-spend-" + i, null), API_KEY));

        long succeeded = answers.stream().filter(a -> a.statusCode() == 200).count();
        assertEquals(3, succeeded);
        answers.stream().filter(a -> a.statusCode() != 200)
                .forEach(a -> assertError(a, 409, "insufficient_funds"));
        assertEquals(10, server.storedBalance(user));
        assertEquals(10, server.ledgerSum(user));
        assertEquals(3, server.queryLong("SELECT COUNT(*) FROM coin_ledger WHERE user_id = ? AND reason = 'spend'", user));
        // Each success saw the balance the one before it left.
        List<Long> balances = answers.stream().filter(a -> a.statusCode() == 200)
                .map(a -> TestServer.json(a).get("balance").asLong()).sorted().toList();
        assertEquals(List.of(10L, 40L, 70L), balances);
    }

    @Test
    void theSameKeyFromManyThreadsAtOnceWritesOneRowAndAnswersAlike() throws Exception {
        String user = "concurrent-key";
        ok(server.post(GRANT, body(user, 100, "concurrent-key-grant", null), API_KEY));
        String spend = body(user, 25, "concurrent-key-spend", "potion");

        List<HttpResponse<String>> answers = allAtOnce(8, i -> () -> server.post(SPEND, spend, API_KEY));

        answers.forEach(a -> assertEquals(200, a.statusCode(), a.body()));
        assertEquals(1, answers.stream().map(HttpResponse::body).distinct().count());
        assertEquals(75, TestServer.json(answers.get(0)).get("balance").asLong());
        assertEquals(1, server.queryLong(
                "SELECT COUNT(*) FROM coin_ledger WHERE reason = 'spend' AND reference = ?", "concurrent-key-spend"));
        assertEquals(75, server.storedBalance(user));
        assertEquals(75, server.ledgerSum(user));
    }

    @Test
    void theUsersHistoryShowsTheGrantAndTheSpend() {
        String user = "history";
        long grantId = ok(server.post(GRANT, body(user, 40, "history-grant", "quest reward"), API_KEY))
                .get("entry_id").asLong();
        long spendId = ok(server.post(SPEND, body(user, 15, "history-spend", "hat"), API_KEY))
                .get("entry_id").asLong();

        HttpResponse<String> history = server.get("/api/coins/history", server.token(user));

        assertEquals(200, history.statusCode(), history.body());
        JsonNode entries = TestServer.json(history).get("entries");
        assertEquals(2, entries.size());
        assertHistoryEntry(entries.get(0), spendId, -15, 25, "spend", "history-spend");
        assertHistoryEntry(entries.get(1), grantId, 40, 40, "grant", "history-grant");
    }

    // Helpers.

    private static String body(String userId, long amount, String key, String reason) {
        ObjectNode body = JSON.createObjectNode()
                .put("user_id", userId)
                .put("amount", amount)
                .put("idempotency_key", key);
        if (reason != null) {
            body.put("reason", reason);
        }
        return body.toString();
    }

    private static String rawBody(String userId, String amountJson, String key) {
        return "{\"user_id\": " + JSON.valueToTree(userId) + ", \"amount\": " + amountJson
                + ", \"idempotency_key\": " + JSON.valueToTree(key) + "}";
    }

    private static HttpResponse<String> withAuthorization(String path, String body, String authorization) {
        return server.send(HttpRequest.newBuilder(URI.create(server.url(path)))
                .header("Content-Type", "application/json")
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        JsonNode json = TestServer.json(response);
        assertEquals(RECEIPT_FIELDS, fieldNames(json), response.body());
        return json;
    }

    private static void assertLedgerRow(long id, String user, long delta, long balanceAfter, String reason,
            String reference) {
        String row = server.queryString("""
                SELECT user_id || '|' || delta || '|' || balance_after || '|' || reason || '|' || reference
                FROM coin_ledger WHERE id = CAST(? AS BIGINT)""", Long.toString(id));
        assertEquals(user + "|" + delta + "|" + balanceAfter + "|" + reason + "|" + reference, row);
    }

    private static void assertHistoryEntry(JsonNode entry, long id, long delta, long balanceAfter, String reason,
            String reference) {
        assertEquals(id, entry.get("id").asLong());
        assertEquals(delta, entry.get("delta").asLong());
        assertEquals(balanceAfter, entry.get("balance_after").asLong());
        assertEquals(reason, entry.get("reason").asText());
        assertEquals(reference, entry.get("reference").asText());
    }

    private static long balanceSeenByTheUser(String user) {
        HttpResponse<String> balance = server.get("/api/coins/balance", server.token(user));
        assertEquals(200, balance.statusCode(), balance.body());
        return TestServer.json(balance).get("balance").asLong();
    }

    private static long ledgerRows(String user) {
        return server.queryLong("SELECT COUNT(*) FROM coin_ledger WHERE user_id = ?", user);
    }

    private static long userRows(String user) {
        return server.queryLong("SELECT COUNT(*) FROM users WHERE id = ?", user);
    }

    private static long operationRows(String key) {
        return server.queryLong("SELECT COUNT(*) FROM wallet_operations WHERE idempotency_key = ?", key);
    }
}
