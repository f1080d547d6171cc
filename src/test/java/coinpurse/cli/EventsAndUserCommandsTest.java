package coinpurse.cli;

import static coinpurse.cli.MoneyStory.sql;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.db.Timestamps;
import coinpurse.support.CliRun;
import coinpurse.support.RunningServer;
import coinpurse.support.StripeEvents;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code coinpurse events} and {@code coinpurse user USER_ID}, run in-process through
 * {@code Main.run} against the database of a running server written by real flows
 * ({@link MoneyStory}); text for people and {@code --json} for scripts.
 */
class EventsAndUserCommandsTest {
    @RunningServer(env = {"INTERNAL_API_KEY=" + MoneyStory.API_KEY, "RATELIMIT_CHECKOUT_PER_MINUTE=1000"})
    static TestServer server;
    static MoneyStory story;
    static Path config;
    /** Alice's purchase event, made two days old: outside the default 24 h. */
    static String oldEvent;

    /** The events about the purchases of users whose ids hold LIKE's wildcards, written before the story's. */
    static final Map<String, List<String>> WILDCARD_EVENTS = new LinkedHashMap<>();

    @BeforeAll
    static void tellTheStory() throws Exception {
        buy("a_%", true);
        buy("ab", false);
        buy("a_b", false);
        story = MoneyStory.tell(server);
        story.eventsOf.putAll(WILDCARD_EVENTS);
        config = server.writeCliConfig(Files.createTempDirectory("events-cli").resolve("cli.properties"));
        oldEvent = story.eventsOf.get("alice").get(0);
        sql(server, "UPDATE processed_events SET processed_at = '"
                + Timestamps.format(Instant.now().minus(Duration.ofDays(2))) + "' WHERE event_id = '" + oldEvent + "'");
    }

    // ---- events ----

    @Test
    void eventsListsTheLastDaysEventsNewestFirstWithOutcomeAndDetail() {
        CliRun run = cli("events");

        assertEquals(0, run.exit(), run.err());
        List<String> lines = run.outLines();
        long recent = allEventIds().size() - 1;
        assertTrue(lines.get(0).matches(recent + " events since \\S+Z, newest first:"), lines.get(0));
        assertTrue(lines.get(1).matches("TIME +OUTCOME +TYPE +EVENT +USER +DETAIL"), lines.get(1));
        assertEquals(recent, lines.size() - 2, run.out());
        assertTrue(lines.get(2).contains("  rejected  ") && lines.get(2).contains(story.ginaRejectedEvent)
                && lines.get(2).contains("  gina  ")
                && lines.get(2).endsWith("paid 999 usd but the session was for 1999 usd"), lines.get(2));
        assertTrue(lines.stream().noneMatch(line -> line.contains(oldEvent)), "older than 24 h");
        for (String refundEvent : story.eventsOf.get("bob").subList(1, 3)) {
            assertTrue(lines.stream().anyMatch(line -> line.contains(refundEvent) && line.contains("  bob  ")),
                    "a refund event's user comes from the purchase its detail names: " + run.out());
        }
        String erinPurchase = story.eventsOf.get("erin").get(0);
        assertTrue(lines.stream().anyMatch(line -> line.contains(erinPurchase) && line.contains("  credited  ")
                && line.contains("checkout.session.completed") && line.endsWith("550 coins to user erin")), run.out());
    }

    @Test
    void eventsAsJsonCarryEveryFieldAScriptNeeds() {
        JsonNode json = TestServer.parse(cli("events", "--json").out());

        assertEquals(allEventIds().size() - 1, json.get("matching").asLong());
        JsonNode newest = json.get("events").get(0);
        assertEquals(story.ginaRejectedEvent, newest.get("event_id").asText());
        assertEquals("checkout.session.completed", newest.get("type").asText());
        assertEquals("rejected", newest.get("outcome").asText());
        assertEquals("paid 999 usd but the session was for 1999 usd", newest.get("detail").asText());
        assertEquals(story.ginaRejected, newest.get("session_id").asText());
        assertEquals("gina", newest.get("user_id").asText());
        assertTrue(newest.get("processed_at").asText().endsWith("Z"));
        List<String> times = new ArrayList<>();
        json.get("events").forEach(event -> times.add(event.get("processed_at").asText()));
        assertEquals(times.stream().sorted((a, b) -> b.compareTo(a)).toList(), times, "newest first");
    }

    @Test
    void eventsFilterByOutcomeUserAndSince() {
        assertEquals(List.of(story.ginaRejectedEvent), eventIds("--outcome", "rejected"));
        assertEquals(Set.copyOf(story.eventsOf.get("bob")), Set.copyOf(eventIds("--user", "bob")),
                "bob's purchase, and the refund events that name it in their detail");
        assertEquals(Set.copyOf(story.eventsOf.get("carol")), Set.copyOf(eventIds("--user", "carol")));
        assertEquals(List.of(), eventIds("--user", "alice"), "alice's only event is two days old");
        assertEquals(List.of(oldEvent), eventIds("--user", "alice", "--since", "3d"));
        assertEquals(allEventIds(), Set.copyOf(eventIds("--since", "3d")));
        assertEquals(2, eventIds("--limit", "2").size());
        CliRun none = cli("events", "--outcome", "kept");
        assertEquals(0, none.exit());
        assertTrue(none.out().startsWith("no kept events since "), none.out());
    }

    /**
     * A user is matched by the id stored with each event, exactly: {@code _} and {@code %} are
     * characters of the id, no wildcards, and a refund event (about a payment intent) is its buyer's.
     */
    @Test
    void aUserIdWithWildcardCharactersMatchesOnlyThatUsersEvents() {
        assertEquals(3, WILDCARD_EVENTS.get("a_%").size(), "a purchase and its refund's events");
        assertEquals(Set.copyOf(WILDCARD_EVENTS.get("a_%")), Set.copyOf(eventIds("--user", "a_%")));
        assertEquals(WILDCARD_EVENTS.get("ab"), eventIds("--user", "ab"));
        assertEquals(WILDCARD_EVENTS.get("a_b"), eventIds("--user", "a_b"));
        assertEquals(List.of(), eventIds("--user", "a%"));
        assertEquals(List.of(), eventIds("--user", "_b"));
        JsonNode json = TestServer.parse(cli("events", "--json", "--user", "a_%").out());
        json.get("events").forEach(event -> assertEquals("a_%", event.get("user_id").asText(), event.toString()));
    }

    @Test
    void anUnknownOutcomeIsAUsageError() {
        CliRun run = cli("events", "--outcome", "refunded");

        assertEquals(2, run.exit());
        assertTrue(run.err().contains("--outcome: 'refunded' is none of credited, already_done, updated, kept,"
                + " ignored, rejected"), run.err());
    }

    // ---- user ----

    @Test
    void userPrintsBalancePurchasesWithTheirStatesAndTheLatestLedgerRows() {
        CliRun run = cli("user", "bob");

        assertEquals(0, run.exit(), run.err());
        List<String> lines = run.outLines();
        // best_value's 1200 paid and 200 bonus coins; 1000 of 3999 cents refunded took 350: 300 paid, 50 bonus
        assertTrue(lines.get(0).startsWith("user bob: balance 1050: paid 900, bonus 150, held 0, available 1050"
                + " (first seen 20"), lines.get(0));
        assertEquals("1 purchase, newest first:", lines.get(1));
        assertTrue(lines.get(2).matches("  \\S+Z  " + story.bobBestValue + "  best_value  1400 coins  39.99 usd"
                + "  completed, partly refunded \\(1000 of 3999 cents\\): 350 of 1400 coins taken back"), lines.get(2));
        assertEquals("2 ledger rows, newest first:", lines.get(3));
        assertTrue(lines.get(4).matches("  \\S+Z  #\\d+ +-350 +balance 1050 +paid -300 +bonus -50 +refund +"
                + story.bobBestValue),
                lines.get(4));
        assertTrue(lines.get(5).matches("  \\S+Z  #\\d+ +\\+1400 +balance 1400 +paid \\+1200 +bonus \\+200 +purchase +"
                + story.bobBestValue),
                lines.get(5));
        assertEquals(6, lines.size(), run.out());
    }

    @Test
    void userShowsRefundedAndDisputedStatesAndPendingSessions() {
        assertHasLine(cli("user", "carol"), ".*  refunded, dispute lost: 550 of 550 coins taken back");
        assertHasLine(cli("user", "erin"), ".*  refunded, fully refunded: 550 of 550 coins taken back");
        CliRun dave = cli("user", "dave");
        assertHasLine(dave, ".*" + story.davePending + "  popular +550 coins +19.99 usd +pending");
        assertHasLine(dave, ".*  -30 +balance 70 +paid -30 +bonus 0 +spend +dave-potion");
        CliRun frank = cli("user", "frank");
        assertHasLine(frank, "no purchases");
        assertHasLine(frank, ".*  \\+25 +balance 25 +paid 0 +bonus \\+25 +grant +frank-welcome");
        CliRun limited = cli("user", "alice", "--limit", "1");
        assertHasLine(limited, "the newest 1 of 3 ledger rows \\(--limit\\):");
        assertHasLine(limited, ".*  \\+100 +balance 450 +paid 0 +bonus \\+100 +grant +alice-welcome");
    }

    /** alice: popular's 500 paid less 150 of the spend (its 50 bonus went first), the grant's 100 bonus. */
    @Test
    void userShowsWhatOpenHoldsReserveAndWhatIsAvailable() {
        sql(server, "INSERT INTO holds (hold_id, idempotency_key, user_id, amount, reason, expires_in_seconds,"
                + " expires_at, status, created_at, created_balance, created_available) VALUES ('hold_user_test',"
                + " 'user-test-hold', 'alice', 120, 'a job', 3600, '2999-01-01T00:00:00.000Z', 'open',"
                + " '2026-01-01T00:00:00.000Z', 450, 450)");
        try {
            CliRun run = cli("user", "alice");
            assertTrue(run.outLines().get(0).startsWith("user alice: balance 450: paid 350, bonus 100, held 120,"
                    + " available 330 (first seen 20"), run.out());
            JsonNode json = TestServer.parse(cli("user", "alice", "--json").out());
            assertEquals(120, json.get("held").asLong());
            assertEquals(330, json.get("available").asLong());
        } finally {
            sql(server, "DELETE FROM holds WHERE hold_id = 'hold_user_test'");
        }
    }

    @Test
    void userAsJsonCarriesTheBalancePurchasesAndEntries() {
        CliRun run = cli("user", "bob", "--json");

        assertEquals(0, run.exit(), run.err());
        JsonNode json = TestServer.parse(run.out());
        assertEquals("bob", json.get("user_id").asText());
        assertEquals(1050, json.get("balance").asLong());
        assertEquals(900, json.get("paid").asLong());
        assertEquals(150, json.get("bonus").asLong());
        assertEquals(0, json.get("held").asLong());
        assertEquals(1050, json.get("available").asLong());
        assertEquals(1, json.get("purchase_count").asLong());
        JsonNode purchase = json.get("purchases").get(0);
        assertEquals(story.bobBestValue, purchase.get("session_id").asText());
        assertEquals("completed", purchase.get("status").asText());
        assertEquals("completed, partly refunded (1000 of 3999 cents): 350 of 1400 coins taken back",
                purchase.get("state").asText());
        assertEquals(1400, purchase.get("coins").asLong());
        assertEquals(3999, purchase.get("amount_cents").asLong());
        assertEquals(1000, purchase.get("amount_refunded").asLong());
        assertEquals(350, purchase.get("coins_reversed").asLong());
        assertTrue(purchase.get("dispute").isNull());
        assertEquals(2, json.get("entry_count").asLong());
        JsonNode latest = json.get("latest_entries").get(0);
        assertEquals(-350, latest.get("delta").asLong());
        assertEquals(1050, latest.get("balance_after").asLong());
        assertEquals(-300, latest.get("paid").asLong());
        assertEquals(-50, latest.get("bonus").asLong());
        assertEquals("refund", latest.get("reason").asText());
        assertEquals(story.bobBestValue, latest.get("reference").asText());
    }

    @Test
    void anUnknownUserIsAClearMessageAndExitOne() {
        CliRun run = cli("user", "nobody");

        assertEquals(1, run.exit());
        assertEquals("", run.out());
        assertEquals("coinpurse: user: no user nobody in this database (a user is stored from their first checkout,"
                + " purchase or grant)", run.err().strip());
    }

    private static void buy(String user, boolean refund) {
        String session = server.checkout(server.token(user), "popular");
        List<String> events = new ArrayList<>(server.stripe().completeCheckout(session));
        if (refund) {
            events.addAll(server.stripe().refund(server.stripe().paymentIntentOf(session), 1000, "succeeded").events());
        }
        for (String event : events) {
            assertEquals(200, server.deliver(event).statusCode());
            WILDCARD_EVENTS.computeIfAbsent(user, u -> new ArrayList<>()).add(StripeEvents.eventIdOf(event));
        }
    }

    private static void assertHasLine(CliRun run, String regex) {
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.outLines().stream().anyMatch(line -> line.matches(regex)), regex + " in\n" + run.out());
    }

    private static Set<String> allEventIds() {
        Set<String> all = new HashSet<>();
        story.eventsOf.values().forEach(all::addAll);
        assertEquals(all.size(), server.rowsIn("processed_events"));
        return all;
    }

    private static List<String> eventIds(String... filters) {
        CliRun run = cli(Stream.concat(Stream.of("events", "--json"), Stream.of(filters)).toArray(String[]::new));
        assertEquals(0, run.exit(), run.err());
        List<String> ids = new ArrayList<>();
        TestServer.parse(run.out()).get("events").forEach(event -> ids.add(event.get("event_id").asText()));
        return ids;
    }

    private static CliRun cli(String... args) {
        List<String> line = new ArrayList<>(List.of(args));
        line.addAll(List.of("--config", config.toString()));
        return CliRun.run(line.toArray(String[]::new));
    }
}
