package coinpurse.liability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.db.Timestamps;
import coinpurse.support.FakeStripe;
import coinpurse.support.Buyer;
import coinpurse.support.MovableClock;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/internal/liability} through real HTTP on the real app, whose purchases, spends,
 * refunds and disputes come through the API and the fake Stripe's signed events, on a clock the test
 * moves: every figure is checked to the cent against the SPEC's formula worked by hand.
 *
 * <p>The "popular" package: A = 1999 cents for N = 500 paid coins and 50 bonus coins. A spend takes
 * the bonus coins first, so a spend of 187 takes 50 bonus and 137 paid coins.
 */
class LiabilityReportTest {
    static final String API_KEY = "liability-internal-key-0123456789";
    static final Map<String, String> ENV = Map.of("INTERNAL_API_KEY", API_KEY,
            "RATELIMIT_CHECKOUT_PER_MINUTE", "10000", "PACKAGES_STARTER_CURRENCY", "eur");
    static final long PRICE = 1999;
    static final long PAID = 500;

    static MovableClock clock;
    static TestServer server;

    @BeforeAll
    static void start() {
        clock = new MovableClock(Instant.parse("2024-01-15T09:00:00Z"));
        server = TestServer.startInTempDir(ENV, clock);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aPurchasePartlySpentThenPartlyRefundedIsValuedToTheCent() {
        Buyer buyer = Buyer.of(server, clock, API_KEY, "spent-refunded");
        String session = buyer.buy("popular");
        assertFigures(purchase(now(), session), PRICE, 0, 0, PRICE, PAID);

        buyer.spend(187);
        // u = 500 − 137 = 363; v = 1999 − floor(137 × 1999 / 500) = 1999 − floor(547.726) = 1452.
        Instant afterSpend = clock.instant();
        assertFigures(purchase(now(), session), PRICE, 0, 547, 1452, 363);

        buyer.refund(session, 500);
        // R = 500; the refund takes floor(550 × 500 / 1999) = 137 coins, 125 of them paid, and its 12
        // bonus ones from the paid lot too (the bonus lot is empty): u = 363 − 137 = 226;
        // v = 1999 − floor(274 × 1999 / 500) = 1999 − floor(1095.452) = 904 ≤ A − R = 1499.
        assertFigures(purchase(now(), session), PRICE, 500, 595, 904, 226);
        assertFigures(purchase(afterSpend, session), PRICE, 0, 547, 1452, 363);
    }

    @Test
    void spendingBonusCoinsOrGrantsLeavesTheLiabilityWhole() {
        Buyer buyer = Buyer.of(server, clock, API_KEY, "bonus-only");
        String session = buyer.buy("popular");
        buyer.grant(1000);

        buyer.spend(1050); // the grant's 1000 and the purchase's 50 bonus coins: no paid coin

        assertFigures(purchase(now(), session), PRICE, 0, 0, PRICE, PAID);
        List<String> sessionsOfTheUser = new java.util.ArrayList<>();
        report(now()).get("purchases").forEach(p -> {
            if (p.get("user_id").asText().equals(buyer.user())) {
                sessionsOfTheUser.add(p.get("session_id").asText());
            }
        });
        assertEquals(List.of(session), sessionsOfTheUser, "the grant is no purchase");
    }

    @Test
    void aFullyRefundedPurchaseOwesAndRecognizesNothing() {
        Buyer buyer = Buyer.of(server, clock, API_KEY, "fully-refunded");
        String session = buyer.buy("popular");
        buyer.spend(287); // 50 bonus, 237 paid

        buyer.refund(session, PRICE);

        // R = A: every coin taken back (the 237 spent become debt), and no money left to owe or earn.
        assertFigures(purchase(now(), session), PRICE, PRICE, 0, 0, 0);
    }

    @Test
    void aDisputeHoldsTheWholePaymentWhileOpenAndGivesItBackToItsRefundsWhenWon() {
        Buyer buyer = Buyer.of(server, clock, API_KEY, "dispute-won");
        String session = buyer.buy("popular");
        buyer.spend(187);
        buyer.refund(session, 500);
        Instant beforeDispute = clock.instant();

        FakeStripe.Dispute dispute = buyer.openDispute(session);
        Instant whileOpen = clock.instant();
        assertFigures(purchase(now(), session), PRICE, PRICE, 0, 0, 0);

        buyer.closeDispute(dispute, "won");

        // Back to the refund alone, and the coins back in the lots they were taken from.
        assertFigures(purchase(now(), session), PRICE, 500, 595, 904, 226);
        assertFigures(purchase(whileOpen, session), PRICE, PRICE, 0, 0, 0);
        assertFigures(purchase(beforeDispute, session), PRICE, 500, 595, 904, 226);
    }

    @Test
    void aLostDisputeKeepsTheWholePaymentRefunded() {
        Buyer buyer = Buyer.of(server, clock, API_KEY, "dispute-lost");
        String session = buyer.buy("popular");
        buyer.spend(100);
        FakeStripe.Dispute dispute = buyer.openDispute(session);

        buyer.closeDispute(dispute, "lost");

        assertFigures(purchase(now(), session), PRICE, PRICE, 0, 0, 0);
    }

    @Test
    void aReportOfAPastMomentIsTheSameBytesAfterEverythingThatCameLater() {
        Buyer buyer = Buyer.of(server, clock, API_KEY, "past");
        String kept = buyer.buy("popular");
        buyer.spend(187);
        String disputed = buyer.buy("popular");
        Instant moment = clock.instant();
        String before = body(200, "?as_of=" + moment);

        clock.advance(Duration.ofMillis(1));
        buyer.buy("starter");
        buyer.spend(400);
        buyer.refund(kept, 700);
        FakeStripe.Dispute dispute = buyer.openDispute(disputed);
        buyer.closeDispute(dispute, "lost");
        Buyer.of(server, clock, API_KEY, "past-other").buy("popular");

        assertEquals(before, body(200, "?as_of=" + moment));
        assertNotEquals(before, body(200, "?as_of=" + clock.instant()));
        assertFigures(purchase(moment, kept), PRICE, 0, 547, 1452, 363);
        assertFigures(purchase(moment, disputed), PRICE, 0, 0, PRICE, PAID);
    }

    @Test
    void withoutAsOfTheReportIsAsOfNowOnTheServersClock() {
        Buyer.of(server, clock, API_KEY, "default-now").buy("popular");

        JsonNode report = TestServer.json(get("", API_KEY));

        assertEquals(Timestamps.format(clock.instant()), report.get("as_of").asText());
        assertEquals(report, report(clock.instant()));
    }

    @Test
    void theTotalsOfEachCurrencyAreTheSumsOfItsPurchases() {
        Buyer buyer = Buyer.of(server, clock, API_KEY, "totals");
        buyer.buy("popular");
        buyer.buy("starter");
        buyer.spend(300);

        JsonNode report = report(now());

        assertTrue(report.get("currencies").has("usd") && report.get("currencies").has("eur"), report.toString());
        report.get("currencies").fields().forEachRemaining(currency -> {
            long[] sums = new long[5];
            report.get("purchases").forEach(p -> {
                if (p.get("currency").asText().equals(currency.getKey())) {
                    sums[0] += p.get("purchased_cents").asLong();
                    sums[1] += p.get("refunded_cents").asLong();
                    sums[2] += p.get("recognized_cents").asLong();
                    sums[3] += p.get("liability_cents").asLong();
                    sums[4] += p.get("unspent_paid_coins").asLong();
                }
            });
            JsonNode totals = currency.getValue();
            assertEquals(List.of(sums[0], sums[1], sums[2], sums[3], sums[4]), List.of(
                    totals.get("purchased_cents").asLong(), totals.get("refunded_cents").asLong(),
                    totals.get("recognized_cents").asLong(), totals.get("liability_cents").asLong(),
                    totals.get("unspent_paid_coins").asLong()), currency.getKey());
        });
    }

    @Test
    void eachCurrencyIsReportedApartToTheCent() {
        MovableClock ownClock = new MovableClock(Instant.parse("2024-02-01T12:00:00Z"));
        try (TestServer own = TestServer.startInTempDir(ENV, ownClock)) {
            Buyer usd = Buyer.of(own, ownClock, API_KEY, "usd");
            usd.buy("popular");
            usd.spend(187);
            String refunded = usd.buy("popular");
            usd.refund(refunded, 500);
            Buyer eur = Buyer.of(own, ownClock, API_KEY, "eur");
            eur.buy("starter"); // 100 paid coins for 4.99 eur, no bonus
            eur.spend(37);

            JsonNode report = TestServer.json(get(own, "?as_of=" + ownClock.instant(), API_KEY));

            assertEquals(List.of("eur", "usd"), fieldNames(report.get("currencies")));
            // eur: u = 63; v = 499 − floor(37 × 499 / 100) = 499 − floor(184.63) = 315.
            assertFigures(report.at("/currencies/eur"), 499, 0, 184, 315, 63);
            // usd: the first purchase as above (547 recognized, 1452 owed, 363 unspent); the second,
            // unspent (the spend came before it) but refunded 500: of its 137 coins taken back, 125
            // paid ones from its paid lot and 12 from its bonus lot, so u = 375 and
            // v = 1999 − floor(125 × 1999 / 500) = 1999 − floor(499.75) = 1500, more than the
            // 1999 − 500 = 1499 not refunded: 1499 owed, 0 recognized.
            assertFigures(report.at("/currencies/usd"), 2 * PRICE, 500, 547, 1452 + 1499, 363 + 375);
            assertEquals(3, report.get("purchases").size());
        }
    }

    // ---- the route's edges ----

    @Test
    void withoutTheInternalKeyItIs401() {
        assertEquals("unauthorized", TestServer.json(get("", null)).get("error").asText());
        HttpResponse<String> wrong = get("", "not-the-key");
        assertEquals(401, wrong.statusCode());
        assertEquals("unauthorized", TestServer.json(wrong).get("error").asText());
    }

    @Test
    void aMalformedOrFutureAsOfIs400() {
        for (String asOf : List.of("yesterday", "2024-01-15", "2024-13-01T00:00:00Z", "", "1705309200")) {
            HttpResponse<String> answer = get("?as_of=" + URLEncoder.encode(asOf, StandardCharsets.UTF_8), API_KEY);
            assertEquals(400, answer.statusCode(), asOf + ": " + answer.body());
            JsonNode error = TestServer.json(answer);
            assertEquals("bad_request", error.get("error").asText());
            assertTrue(error.get("message").asText().startsWith("as_of must be an ISO-8601 date and time in UTC"),
                    answer.body());
        }
        HttpResponse<String> future = get("?as_of=" + clock.instant().plusMillis(1), API_KEY);
        assertEquals(400, future.statusCode(), future.body());
        assertTrue(TestServer.json(future).get("message").asText().contains("is in the future"), future.body());
    }

    @Test
    void anOffsetIsReadAsTheSameMomentInUtc() {
        Instant moment = clock.instant();
        String plusTwo = moment.atOffset(java.time.ZoneOffset.ofHours(2)).toString();

        JsonNode report = TestServer.json(get("?as_of=" + URLEncoder.encode(plusTwo, StandardCharsets.UTF_8), API_KEY));

        assertEquals(report(moment), report);
    }

    @Test
    void withoutAnInternalKeyConfiguredTheRouteDoesNotExist() {
        try (TestServer keyless = TestServer.startInTempDir(Map.of())) {
            HttpResponse<String> answer = get(keyless, "", API_KEY);
            assertEquals(404, answer.statusCode(), answer.body());
            assertEquals("not_found", TestServer.json(answer).get("error").asText());
        }
    }

    // ---- helpers ----

    static Instant now() {
        return clock.instant();
    }

    static JsonNode report(Instant asOf) {
        return TestServer.json(get("?as_of=" + asOf, API_KEY));
    }

    static JsonNode purchase(Instant asOf, String sessionId) {
        for (JsonNode purchase : report(asOf).get("purchases")) {
            if (purchase.get("session_id").asText().equals(sessionId)) {
                return purchase;
            }
        }
        throw new AssertionError("no purchase " + sessionId + " as of " + asOf);
    }

    static String body(int status, String query) {
        HttpResponse<String> answer = get(query, API_KEY);
        assertEquals(status, answer.statusCode(), answer.body());
        return answer.body();
    }

    static HttpResponse<String> get(String query, String key) {
        return get(server, query, key);
    }

    static HttpResponse<String> get(TestServer on, String query, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(on.url("/api/internal/liability" + query))).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return on.send(request);
    }

    static void assertFigures(JsonNode purchase, long purchased, long refunded, long recognized, long liability,
            long unspent) {
        assertEquals(List.of(purchased, refunded, recognized, liability, unspent), List.of(
                purchase.get("purchased_cents").asLong(), purchase.get("refunded_cents").asLong(),
                purchase.get("recognized_cents").asLong(), purchase.get("liability_cents").asLong(),
                purchase.get("unspent_paid_coins").asLong()), purchase.toString());
    }

    static List<String> fieldNames(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
