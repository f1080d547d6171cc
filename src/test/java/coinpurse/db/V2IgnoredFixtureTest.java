package coinpurse.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second V2 fixture (src/test/resources/upgrade/coinpurse-v2-ignored.db, made through the
 * server of commit 53a2581 by make-v2-ignored.sh beside it) and its story
 * (coinpurse-v2-ignored.json) are what the README beside them says: read directly, before any
 * upgrade touches them.
 */
class V2IgnoredFixtureTest {
    private static final String FIXTURE = "/upgrade/coinpurse-v2-ignored.db";
    private static final String STORY = "/upgrade/coinpurse-v2-ignored.json";
    private static final String NOT_HANDLED = "event type not handled";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every event the old server acknowledged and ignored, with the detail it recorded. */
    private static final Map<String, String> IGNORED = Map.ofEntries(
            Map.entry("evt_test_ig_v1_popular_dispute_funds_withdrawn", NOT_HANDLED),
            Map.entry("evt_test_ig_v1_popular_dispute_updated", NOT_HANDLED),
            Map.entry("evt_test_ig_v1_popular_dispute_funds_reinstated", NOT_HANDLED),
            Map.entry("evt_test_ig_v2_popular_refund_created", NOT_HANDLED),
            Map.entry("evt_test_ig_v2_popular_refund_updated", NOT_HANDLED),
            Map.entry("evt_test_ig_v2_popular_refund_failed", NOT_HANDLED),
            Map.entry("evt_test_ig_v2_popular_charge_refund_updated", NOT_HANDLED),
            Map.entry("evt_test_ig_v3_popular_refund_created", NOT_HANDLED),
            Map.entry("evt_test_ig_v3_popular_refund_updated", NOT_HANDLED),
            Map.entry("evt_test_ig_v3_popular_refund_failed", NOT_HANDLED),
            Map.entry("evt_test_ig_v3_popular_charge_refund_updated", NOT_HANDLED),
            Map.entry("evt_test_ig_v4_best_refund_created", NOT_HANDLED),
            Map.entry("evt_test_ig_v4_best_charge_refunded",
                    "no fulfilled purchase with payment intent pi_test_ig_v4_best: not ours, or not fulfilled yet"),
            Map.entry("evt_test_ig_v5_starter_efw_created", NOT_HANDLED));

    /** The events that moved coins, with the outcome recorded. */
    private static final Map<String, String> APPLIED = Map.of(
            "evt_test_ig_v1_popular_completed", "credited",
            "evt_test_ig_v2_popular_completed", "credited",
            "evt_test_ig_v3_popular_completed", "credited",
            "evt_test_ig_v4_best_completed", "credited",
            "evt_test_ig_v5_starter_completed", "credited",
            "evt_test_ig_v6_popular_completed", "credited",
            "evt_test_ig_v1_popular_dispute_created", "updated",
            "evt_test_ig_v1_popular_dispute_closed", "updated",
            "evt_test_ig_v2_popular_charge_refunded", "updated",
            "evt_test_ig_v3_popular_charge_refunded", "updated");

    @TempDir
    Path dir;

    private Path copy;

    @BeforeEach
    void copyTheFixture() throws IOException {
        copy = dir.resolve("coinpurse.db");
        try (InputStream fixture = V2IgnoredFixtureTest.class.getResourceAsStream(FIXTURE)) {
            assertNotNull(fixture, FIXTURE + " is not on the test classpath");
            Files.copy(fixture, copy);
        }
    }

    @Test
    void theDatabaseIsAV2DatabaseWithTheUsersRowsAndIgnoredEventsTheReadmeNames() throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + copy.toAbsolutePath())) {
            assertEquals(List.of("1", "2"), column(rows(connection,
                    "SELECT version FROM flyway_schema_history WHERE success = 1 ORDER BY installed_rank"), "version"),
                    "the fixture must stay a V2 database");
            assertEquals(List.of("delete"), column(rows(connection, "PRAGMA journal_mode"), "journal_mode"),
                    "copied with VACUUM INTO: no -wal or -shm belongs to it");

            assertEquals(Map.of("v1", 550L, "v2", 0L, "v3", 413L, "v4", 1400L, "v5", 100L, "v6", 625L),
                    rows(connection, "SELECT id, balance FROM users").stream()
                            .collect(Collectors.toMap(u -> (String) u.get("id"), u -> num(u, "balance"))),
                    "users and balances");
            List<Map<String, Object>> ledger = rows(connection, "SELECT * FROM coin_ledger ORDER BY id");
            assertEquals(12, ledger.size(), "ledger rows");
            assertEquals(Set.of("grant", "spend", "purchase", "refund", "dispute", "dispute_won"),
                    Set.copyOf(column(ledger, "reason")), "ledger reasons");
            Map<Object, Long> sums = new HashMap<>();
            Map<Object, Long> last = new HashMap<>();
            for (Map<String, Object> entry : ledger) {
                sums.merge(entry.get("user_id"), num(entry, "delta"), Long::sum);
                last.put(entry.get("user_id"), num(entry, "balance_after"));
            }
            for (Map<String, Object> user : rows(connection, "SELECT id, balance FROM users")) {
                assertEquals(sums.get(user.get("id")), num(user, "balance"), "balance of " + user + " vs its ledger");
                assertEquals(last.get(user.get("id")), num(user, "balance"), "balance of " + user + " vs its last row");
            }
            assertEquals(List.of("grant-v6-welcome grant v6 250", "spend-v6-frame spend v6 175"),
                    rows(connection, "SELECT * FROM wallet_operations ORDER BY created_at").stream()
                            .map(o -> o.get("idempotency_key") + " " + o.get("kind") + " " + o.get("user_id") + " "
                                    + o.get("amount"))
                            .toList(),
                    "wallet operations");

            // session: user package status payment_intent amount_refunded coins_reversed dispute_status
            assertEquals(List.of(
                            "cs_test_ig_v1_popular v1 popular completed pi_test_ig_v1_popular 0 0 won",
                            "cs_test_ig_v2_popular v2 popular refunded pi_test_ig_v2_popular 1999 550 null",
                            "cs_test_ig_v3_popular v3 popular completed pi_test_ig_v3_popular 500 137 null",
                            "cs_test_ig_v4_best v4 best_value completed pi_test_ig_v4_best 0 0 null",
                            "cs_test_ig_v5_starter v5 starter completed pi_test_ig_v5_starter 0 0 null",
                            "cs_test_ig_v6_popular v6 popular completed pi_test_ig_v6_popular 0 0 null"),
                    rows(connection, "SELECT * FROM payment_sessions ORDER BY user_id").stream()
                            .map(s -> String.join(" ", String.valueOf(s.get("session_id")),
                                    String.valueOf(s.get("user_id")), String.valueOf(s.get("package_id")),
                                    String.valueOf(s.get("status")), String.valueOf(s.get("payment_intent")),
                                    String.valueOf(s.get("amount_refunded")), String.valueOf(s.get("coins_reversed")),
                                    String.valueOf(s.get("dispute_status"))))
                            .toList(),
                    "purchases");

            List<Map<String, Object>> events = rows(connection, "SELECT * FROM processed_events");
            assertEquals(24, events.size(), "processed_events rows");
            Map<String, String> ignored = new HashMap<>();
            Map<String, String> applied = new HashMap<>();
            for (Map<String, Object> event : events) {
                String id = (String) event.get("event_id");
                if ("ignored".equals(event.get("outcome"))) {
                    ignored.put(id, (String) event.get("detail"));
                } else {
                    applied.put(id, (String) event.get("outcome"));
                }
            }
            assertEquals(IGNORED, ignored, "the events acknowledged and ignored, and why");
            assertEquals(APPLIED, applied, "the events that moved coins");
        }
    }

    @Test
    void theStoryHoldsEachDeliveredEventAsTheDatabaseRecordedItAndStripesObjectsAsTheyStand()
            throws IOException, SQLException {
        JsonNode story;
        try (InputStream in = V2IgnoredFixtureTest.class.getResourceAsStream(STORY)) {
            assertNotNull(in, STORY + " is not on the test classpath");
            story = JSON.readTree(in);
        }
        Map<String, Map<String, Object>> recorded = new LinkedHashMap<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + copy.toAbsolutePath())) {
            for (Map<String, Object> row : rows(connection, "SELECT * FROM processed_events ORDER BY processed_at")) {
                recorded.put((String) row.get("event_id"), row);
            }
        }
        assertEquals("2026-07-29.dahlia", story.get("api_version").asText(), "stripe-java 33.3.0's API version");

        List<String> delivered = new ArrayList<>();
        for (JsonNode event : story.get("events")) {
            String id = event.get("id").asText();
            delivered.add(id);
            Map<String, Object> row = recorded.get(id);
            assertNotNull(row, id + " in processed_events");
            assertEquals(row.get("type"), event.get("type").asText(), id);
            assertEquals(row.get("outcome"), event.get("outcome").asText(), id);
            assertEquals(row.get("detail"), event.get("detail").asText(), id);
            JsonNode payload = JSON.readTree(event.get("payload").asText());
            assertEquals(id, payload.get("id").asText());
            assertEquals(row.get("type"), payload.get("type").asText());
            assertEquals(story.get("api_version").asText(), payload.get("api_version").asText(), id);
            assertFalse(payload.get("livemode").asBoolean(), id);
            long created = payload.get("created").asLong();
            assertEquals(created, event.get("created").asLong(), id);
            assertTrue(created < Instant.parse((String) row.get("processed_at")).getEpochSecond(),
                    id + " was created before the old server processed it");
        }
        assertEquals(List.copyOf(recorded.keySet()), delivered, "every event, in delivery order");
        assertTrue(createdOf(story, "evt_test_ig_v4_best_completed") < createdOf(story, "evt_test_ig_v4_best_charge_refunded")
                        && delivered.indexOf("evt_test_ig_v4_best_completed")
                                > delivered.indexOf("evt_test_ig_v4_best_charge_refunded"),
                "v4 paid, then refunded; the refund delivered first");

        JsonNode stripe = story.get("stripe");
        assertEquals(6, stripe.get("checkout_sessions").size(), "sessions");
        for (JsonNode session : stripe.get("checkout_sessions")) {
            assertEquals(Set.of("user_id", "package_id", "coins", "bonus"), fieldNames(session.get("metadata")),
                    "the old checkout's metadata, no instance id: " + session.get("id"));
        }
        for (JsonNode intent : stripe.get("payment_intents")) {
            assertEquals(Set.of(), fieldNames(intent.get("metadata")), "the old checkout put none: " + intent.get("id"));
        }
        assertEquals(Map.of("ch_test_ig_v2_popular", "0 false", "ch_test_ig_v3_popular", "0 false",
                        "ch_test_ig_v4_best", "3999 true"),
                byId(stripe.get("charges"), c -> c.get("amount_refunded").asLong() + " " + c.get("refunded").asBoolean(),
                        Set.of("ch_test_ig_v2_popular", "ch_test_ig_v3_popular", "ch_test_ig_v4_best")),
                "charges as Stripe leaves them: a failed refund leaves amount_refunded");
        assertEquals(Map.of("re_test_ig_v2_popular_full", "1999 failed", "re_test_ig_v3_popular_partial", "500 failed",
                        "re_test_ig_v4_best_full", "3999 succeeded"),
                byId(stripe.get("refunds"), r -> r.get("amount").asLong() + " " + r.get("status").asText(), null),
                "refunds and their final statuses");
        assertEquals(Map.of("dp_test_ig_v1_popular_first", "pi_test_ig_v1_popular won"),
                byId(stripe.get("disputes"), d -> d.get("payment_intent").asText() + " " + d.get("status").asText(), null),
                "the dispute won under the old server");
        assertEquals(Map.of("issfr_test_ig_v5_starter", "ch_test_ig_v5_starter true"),
                byId(stripe.get("early_fraud_warnings"),
                        w -> w.get("charge").asText() + " " + w.get("actionable").asBoolean(), null),
                "the early fraud warning");
    }

    private static long createdOf(JsonNode story, String eventId) {
        for (JsonNode event : story.get("events")) {
            if (event.get("id").asText().equals(eventId)) {
                return event.get("created").asLong();
            }
        }
        throw new AssertionError("no event " + eventId);
    }

    private static Map<String, String> byId(JsonNode objects, Function<JsonNode, String> describe,
            Set<String> only) {
        Map<String, String> described = new HashMap<>();
        for (JsonNode object : objects) {
            String id = object.get("id").asText();
            if (only == null || only.contains(id)) {
                described.put(id, describe.apply(object));
            }
        }
        return described;
    }

    private static Set<String> fieldNames(JsonNode object) {
        Set<String> names = new HashSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<Map<String, Object>> rows(Connection connection, String sql) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= columns; i++) {
                    row.put(result.getMetaData().getColumnLabel(i), result.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static List<Object> column(List<Map<String, Object>> rows, String name) {
        return rows.stream().map(row -> row.get(name)).map(v -> v instanceof Number n ? String.valueOf(n) : v).toList();
    }

    private static long num(Map<String, Object> row, String column) {
        return ((Number) row.get(column)).longValue();
    }
}
