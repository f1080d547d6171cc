package coinpurse.checkout;

import static coinpurse.support.JsonAssertions.assertJsonError;
import static coinpurse.support.JsonAssertions.fieldNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.app.Sweeps;
import coinpurse.support.MovableClock;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code POST /api/payment/create-checkout-session}: what Stripe is asked, what is stored, what is refused. */
class CheckoutTest {
    private static final String CREATE = "/api/payment/create-checkout-session";
    private static final String POPULAR = "{\"package_id\": \"popular\"}";

    @RunningServer
    static TestServer server;

    // ---- success ----

    @Test
    void aPackageIdAnswersTheSessionIdAndTheUrlStripeGave() {
        String user = "co-answer";
        HttpResponse<String> response = server.post(CREATE, POPULAR, server.token(user));

        assertEquals(200, response.statusCode(), response.body());
        JsonNode answer = TestServer.json(response);
        assertEquals(List.of("session_id", "checkout_url"), fieldNames(answer));
        String sessionId = answer.get("session_id").asText();
        assertTrue(sessionId.startsWith("cs_"), sessionId);
        assertEquals(server.stripe().session(sessionId).get("url").asText(), answer.get("checkout_url").asText());
        assertEquals(1, stripeCreatesFor(user).size());
        assertEquals(1, sessionRows(user));
    }

    @Test
    void theStripeRequestIsOnePaymentLineItemAtTheCatalogPriceWithTheUserAndPackageInMetadata() {
        String user = "co-stripe-request";
        HttpResponse<String> response = server.post(CREATE, POPULAR, server.token(user));
        assertEquals(200, response.statusCode(), response.body());

        Map<String, String> sent = onlyCreateFor(user);
        assertEquals("payment", sent.get("mode"));
        assertEquals("1999", sent.get("line_items[0][price_data][unit_amount]"));
        assertEquals("usd", sent.get("line_items[0][price_data][currency]"));
        assertEquals("1", sent.get("line_items[0][quantity]"));
        assertFalse(sent.keySet().stream().anyMatch(key -> key.startsWith("line_items[1]")), sent.toString());
        assertEquals(user, sent.get("client_reference_id"));
        assertEquals(user, sent.get("metadata[user_id]"));
        assertEquals("popular", sent.get("metadata[package_id]"));
        assertEquals("500", sent.get("metadata[coins]"));
        assertEquals("50", sent.get("metadata[bonus]"));
        assertEquals(1999, server.stripe().session(TestServer.json(response).get("session_id").asText())
                .get("amount_total").asLong());
    }

    @Test
    void aPendingRowForTheCatalogAmountExistsAsSoonAsTheAnswerArrives() {
        String user = "co-pending-row";
        HttpResponse<String> response = server.post(CREATE, POPULAR, server.token(user));
        assertEquals(200, response.statusCode(), response.body());
        String sessionId = TestServer.json(response).get("session_id").asText();

        // No status poll, no webhook: the row must have been written before the answer.
        assertEquals("pending|" + user + "|popular|1999|usd|500|50", storedRow(sessionId));
        assertEquals(1, sessionRows(user));
        assertEquals(0, server.ledgerSum(user));
    }

    @Test
    void theOldClientFormBuysThePackageItDescribesExactly() {
        String user = "co-old-form";
        HttpResponse<String> response = server.post(CREATE,
                "{\"coins\": 500, \"price_usd\": 19.99, \"bonus\": 50}", server.token(user));

        assertEquals(200, response.statusCode(), response.body());
        String sessionId = TestServer.json(response).get("session_id").asText();
        Map<String, String> sent = onlyCreateFor(user);
        assertEquals("popular", sent.get("metadata[package_id]"));
        assertEquals("1999", sent.get("line_items[0][price_data][unit_amount]"));
        assertEquals("pending|" + user + "|popular|1999|usd|500|50", storedRow(sessionId));
    }

    // ---- refusals: 400, no Stripe call, no row ----

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"coins\": 500, \"price_usd\": 19.98, \"bonus\": 50}",
        "{\"coins\": 500, \"price_usd\": 19.99, \"bonus\": 49}",
        "{\"coins\": 501, \"price_usd\": 19.99, \"bonus\": 50}",
        "{\"coins\": 500, \"price_usd\": 19.99}",
        "{\"coins\": 500, \"price_usd\": 0.01, \"bonus\": 50}"
    })
    void anOldClientFormThatMatchesNoPackageExactlyIs400AndReachesNoStripe(String body) {
        String user = "co-old-mismatch-" + Math.abs(body.hashCode());
        assertRefused(user, body);
    }

    /** Bodies naming the "popular" package with a price (and coins) of another, or of none. */
    static Stream<String> pricesDisagreeingWithPopular() {
        return Stream.of(
                "{\"package_id\": \"popular\", \"price_usd\": 0.01}",
                "{\"package_id\": \"popular\", \"coins\": 500, \"bonus\": 50, \"price_usd\": 0.01}",
                "{\"package_id\": \"popular\", \"coins\": 100, \"bonus\": 0, \"price_usd\": 4.99}");
    }

    @ParameterizedTest
    @MethodSource("pricesDisagreeingWithPopular")
    void aClientPriceThatDisagreesWithTheNamedPackageIs400AndNeverACheaperSession(String body) {
        String user = "co-price-mismatch-" + Math.abs(body.hashCode());
        assertRefused(user, body);
    }

    @ParameterizedTest
    @MethodSource("pricesDisagreeingWithPopular")
    void aClientPriceThatDisagreesWithTheNamedPackageIsReportedAsPackageMismatch(String body) {
        String user = "co-price-mismatch-code-" + Math.abs(body.hashCode());
        JsonNode error = assertRefused(user, body);
        assertEquals("package_mismatch", error.get("error").asText(), error.toString());
        assertTrue(error.get("message").asText().contains("popular"), error.toString());
    }

    static Stream<Arguments> malformedBodies() {
        return Stream.of(
                Arguments.of("coins a fraction", "{\"coins\": 2.5, \"price_usd\": 19.99, \"bonus\": 50}"),
                Arguments.of("coins negative", "{\"coins\": -5, \"price_usd\": 19.99, \"bonus\": 50}"),
                Arguments.of("coins a string", "{\"coins\": \"500\", \"price_usd\": 19.99, \"bonus\": 50}"),
                Arguments.of("coins a float that is whole", "{\"coins\": 500.0, \"price_usd\": 19.99, \"bonus\": 50}"),
                Arguments.of("price_usd a string", "{\"coins\": 500, \"price_usd\": \"19.99\", \"bonus\": 50}"),
                Arguments.of("package_id a number", "{\"package_id\": 7}"),
                Arguments.of("package_id null", "{\"package_id\": null}"),
                Arguments.of("unknown package", "{\"package_id\": \"mega\"}"),
                Arguments.of("no package at all", "{}"),
                Arguments.of("not JSON", "package_id=popular"),
                Arguments.of("a JSON array", "[{\"package_id\": \"popular\"}]"),
                Arguments.of("JSON null", "null"),
                Arguments.of("a key twice", "{\"package_id\": \"starter\", \"package_id\": \"popular\"}"),
                Arguments.of("trailing tokens", "{\"package_id\": \"popular\"} {}"),
                Arguments.of("empty", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedBodies")
    void aBodyThatIsNotAStrictlyValidRequestIs400AndReachesNoStripe(String what, String body) {
        String user = "co-strict-" + what.replace(' ', '-');
        assertRefused(user, body);
    }

    static Stream<Arguments> foreignRedirects() {
        List<String> urls = List.of(
                "https://evil.example/payment/success",
                "http://localhost:5173@evil.example/payment/success",
                "http://localhost:51730/payment/success",
                "http://localhost:5173.evil.example/payment/success",
                "https://localhost:5173/payment/success",
                "//evil.example/payment/success",
                "/payment/success",
                "javascript:alert(1)",
                "http://evil.example/?back=http://localhost:5173");
        return Stream.of("success_url", "cancel_url")
                .flatMap(field -> urls.stream().map(url -> Arguments.of(field, url)));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("foreignRedirects")
    void aRedirectUrlOffTheAllowedOriginsIs400AndReachesNoStripe(String field, String url) {
        String user = "co-redirect-" + field + "-" + Math.abs(url.hashCode());
        String body = "{\"package_id\": \"popular\", \"" + field + "\": \"" + url + "\"}";
        JsonNode error = assertRefused(user, body);
        assertTrue(error.get("message").asText().contains(field), error.toString());
    }

    // ---- redirect URLs given to Stripe ----

    @Test
    void aSuccessUrlWithoutThePlaceholderGetsSessionIdAddedToItsQuery() {
        assertEquals("http://localhost:5173/thanks?session_id={CHECKOUT_SESSION_ID}",
                successUrlStripeReceived("co-success-plain", "http://localhost:5173/thanks"));
        assertEquals("http://localhost:5173/thanks?from=app&session_id={CHECKOUT_SESSION_ID}",
                successUrlStripeReceived("co-success-query", "http://localhost:5173/thanks?from=app"));
        assertEquals("http://localhost:5173/thanks?session_id={CHECKOUT_SESSION_ID}#top",
                successUrlStripeReceived("co-success-fragment", "http://localhost:5173/thanks#top"));
    }

    @Test
    void aSuccessUrlWithThePlaceholderAndACancelUrlAreGivenToStripeAsSent() {
        String user = "co-success-kept";
        String success = "http://localhost:5173/done/{CHECKOUT_SESSION_ID}?tab=coins";
        String cancel = "http://localhost:5173/shop?cancelled=1";
        HttpResponse<String> response = server.post(CREATE, "{\"package_id\": \"popular\", \"success_url\": \""
                + success + "\", \"cancel_url\": \"" + cancel + "\"}", server.token(user));

        assertEquals(200, response.statusCode(), response.body());
        Map<String, String> sent = onlyCreateFor(user);
        assertEquals(success, sent.get("success_url"));
        assertEquals(cancel, sent.get("cancel_url"));
        assertEquals(1, sessionRows(user));
    }

    @Test
    void theConfiguredDefaultsAreUsedWhenTheClientSendsNoUrls() {
        String user = "co-defaults";
        HttpResponse<String> response = server.post(CREATE, POPULAR, server.token(user));

        assertEquals(200, response.statusCode(), response.body());
        Map<String, String> sent = onlyCreateFor(user);
        assertEquals("http://localhost:5173/payment/success?session_id={CHECKOUT_SESSION_ID}", sent.get("success_url"));
        assertEquals("http://localhost:5173/payment/cancel", sent.get("cancel_url"));
    }

    // ---- who may, and when it cannot work ----

    @Test
    void withoutATokenItIs401AndReachesNoStripe() {
        int createsBefore = server.stripe().createRequests().size();
        long rowsBefore = allSessionRows();

        HttpResponse<String> response = server.post(CREATE, POPULAR, null);

        assertEquals(401, response.statusCode(), response.body());
        assertEquals("unauthorized", assertJsonError(response).get("error").asText());
        assertEquals(createsBefore, server.stripe().createRequests().size());
        assertEquals(rowsBefore, allSessionRows());
    }

    @Test
    void withoutAStripeKeyItIs503NamingStripeSecretKey(@TempDir Path noStripeDir) {
        try (TestServer noStripe = TestServer.startWithoutStripe(noStripeDir)) {
            String user = "co-no-stripe";
            HttpResponse<String> response = noStripe.post(CREATE, POPULAR, noStripe.token(user));

            assertEquals(503, response.statusCode(), response.body());
            JsonNode error = assertJsonError(response);
            assertEquals("not_configured", error.get("error").asText());
            assertTrue(error.get("message").asText().contains("stripe.secret_key"), error.toString());
            assertEquals(0, noStripe.queryLong("SELECT COUNT(*) FROM payment_sessions WHERE user_id = ?", user));
        }
    }

    @Test
    void stripeAnswering500Is502JsonAndRecordsNoPendingRow() {
        String user = "co-stripe-500";
        HttpResponse<String> response;
        server.stripe().failCreatesWith(500);
        try {
            response = server.post(CREATE, POPULAR, server.token(user));
        } finally {
            server.stripe().failCreatesWith(0);
        }

        assertEquals(502, response.statusCode(), response.body());
        JsonNode error = assertJsonError(response);
        String text = response.body().toLowerCase();
        assertFalse(text.contains("exception") || text.contains("sk_test") || text.contains("simulated"), text);
        assertFalse(stripeCreatesFor(user).isEmpty(), "Stripe was asked");
        assertEquals(0, sessionRows(user), error.toString());
    }

    @Test
    void theThirdCheckoutInAMinuteIs429WithRetryAfterAndOtherUsersGoOn(@TempDir Path limitedDir) {
        try (TestServer limited = TestServer.start(limitedDir, Map.of("RATELIMIT_CHECKOUT_PER_MINUTE", "2"))) {
            String busy = limited.token("co-busy");
            assertEquals(200, limited.post(CREATE, POPULAR, busy).statusCode());
            assertEquals(200, limited.post(CREATE, POPULAR, busy).statusCode());

            HttpResponse<String> third = limited.post(CREATE, POPULAR, busy);

            assertEquals(429, third.statusCode(), third.body());
            assertEquals("too_many_requests", assertJsonError(third).get("error").asText());
            long retryAfter = Long.parseLong(third.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
            assertEquals(2, limited.stripe().createRequests().stream()
                    .filter(sent -> "co-busy".equals(sent.get("client_reference_id"))).count());
            assertEquals(2, limited.queryLong("SELECT COUNT(*) FROM payment_sessions WHERE user_id = ?", "co-busy"));

            HttpResponse<String> other = limited.post(CREATE, POPULAR, limited.token("co-other"));
            assertEquals(200, other.statusCode(), other.body());
            assertEquals(1, limited.queryLong("SELECT COUNT(*) FROM payment_sessions WHERE user_id = ?", "co-other"));
        }
    }

    /**
     * Attempts of users who never come back do not stay for ever: the sweep deletes those older than
     * the 60 s window, everyone's in one DELETE, at most once a minute of the server's clock.
     */
    @Test
    void theSweepDeletesCheckoutAttemptsOlderThanTheWindowOnceAMinute(@TempDir Path sweptDir) {
        MovableClock clock = MovableClock.atNow();
        try (TestServer swept = TestServer.startWithClock(sweptDir, Map.of(), clock)) {
            Sweeps sweeps = swept.services().sweeps();
            assertEquals(200, swept.post(CREATE, POPULAR, swept.token("co-gone-at-0")).statusCode());
            clock.advance(Duration.ofSeconds(30));
            assertEquals(200, swept.post(CREATE, POPULAR, swept.token("co-gone-at-30")).statusCode());
            sweeps.sweepOnce(); // at 30 s: nothing has left the window yet
            assertEquals(2, swept.rowsIn("checkout_attempts"));

            clock.advance(Duration.ofSeconds(30));
            assertEquals(200, swept.post(CREATE, POPULAR, swept.token("co-back-at-60")).statusCode());
            clock.advance(Duration.ofSeconds(1));
            sweeps.sweepOnce();
            assertEquals(3, swept.rowsIn("checkout_attempts"), "at 61 s the first has left the window,"
                    + " but the last deletion was 31 s ago");

            clock.advance(Duration.ofSeconds(29));
            sweeps.sweepOnce();
            assertEquals(1, swept.rowsIn("checkout_attempts"), "at 90 s: those of 0 s and 30 s are gone");
            assertEquals(1, swept.queryLong("SELECT COUNT(*) FROM checkout_attempts WHERE user_id = ?",
                    "co-back-at-60"));
        }
    }

    // ---- helpers ----

    private static String successUrlStripeReceived(String user, String successUrl) {
        HttpResponse<String> response = server.post(CREATE,
                "{\"package_id\": \"popular\", \"success_url\": \"" + successUrl + "\"}", server.token(user));
        assertEquals(200, response.statusCode(), response.body());
        String sessionId = TestServer.json(response).get("session_id").asText();
        assertEquals("pending", server.storedStatus(sessionId));
        return onlyCreateFor(user).get("success_url");
    }

    /**
     * Posts {@code body} as {@code user} and asserts a refusal: 400, the JSON error shape, and
     * that neither Stripe nor the database saw it.
     */
    private static JsonNode assertRefused(String user, String body) {
        HttpResponse<String> response = server.post(CREATE, body, server.token(user));
        assertEquals(400, response.statusCode(), response.body());
        JsonNode error = assertJsonError(response);
        assertEquals(List.of(), stripeCreatesFor(user), "no Stripe call");
        assertEquals(0, sessionRows(user), "no payment_sessions row");
        return error;
    }

    private static List<Map<String, String>> stripeCreatesFor(String user) {
        return server.stripe().createRequests().stream()
                .filter(sent -> user.equals(sent.get("client_reference_id"))
                        || user.equals(sent.get("metadata[user_id]")))
                .toList();
    }

    private static Map<String, String> onlyCreateFor(String user) {
        List<Map<String, String>> sent = stripeCreatesFor(user);
        assertEquals(1, sent.size(), sent.toString());
        return sent.get(0);
    }

    private static long sessionRows(String user) {
        return server.queryLong("SELECT COUNT(*) FROM payment_sessions WHERE user_id = ?", user);
    }

    private static long allSessionRows() {
        return server.queryLong("SELECT COUNT(*) FROM payment_sessions WHERE ? IS NOT NULL", "x");
    }

    private static String storedRow(String sessionId) {
        return server.queryString("""
                SELECT status || '|' || user_id || '|' || package_id || '|' || amount_cents || '|' || currency
                       || '|' || coins || '|' || bonus
                FROM payment_sessions WHERE session_id = ?""", sessionId);
    }
}
