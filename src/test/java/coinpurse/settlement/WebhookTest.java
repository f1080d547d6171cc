package coinpurse.settlement;

import static coinpurse.support.JsonAssertions.assertError;
import static coinpurse.support.PendingCheckout.uniqueUser;
import static coinpurse.support.StripeEvents.checkoutEvent;
import static coinpurse.support.StripeEvents.eventIdOf;
import static coinpurse.support.StripeEvents.newSessionId;
import static coinpurse.support.WebhookAssertions.assertAccepted;
import static coinpurse.support.WebhookAssertions.assertCredited;
import static coinpurse.support.WebhookAssertions.assertNoCoins;
import static coinpurse.support.WebhookAssertions.assertNothingChanged;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.Concurrently;
import coinpurse.support.LogCapture;
import coinpurse.support.PendingCheckout;
import coinpurse.support.RunningServer;
import coinpurse.support.StripeEvents;
import coinpurse.support.TestServer;
import coinpurse.support.WebhookAssertions;
import coinpurse.support.WebhookSigner;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.Stripe;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code POST /api/payment/webhook} through real HTTP into the real app: signatures, body
 * limits, every handled event type, amounts, unknown sessions and exactly-once credit.
 * Database faults live in {@link WebhookDatabaseFailureTest}.
 */
class WebhookTest {
    /** The "popular" built-in package: 500 + 50 coins for 19.99 USD. */
    static final long POPULAR_COINS = 500;
    static final long POPULAR_BONUS = 50;
    static final long POPULAR_CENTS = 1999;

    /** The SPEC's body limit, written out rather than read from the app, so that changing it fails here. */
    static final long ONE_MIB = 1024 * 1024;

    /** A pinned version of another release train, which stripe-java's typed deserializer refuses. */
    static final String OTHER_API_VERSION = "2025-03-31.basil";

    private static final ObjectMapper JSON = new ObjectMapper();

    @RunningServer
    static TestServer server;

    // ---- 1. signatures ----

    @Test
    void anEventSignedWithAnotherSecretIsRejectedAndChangesNothing() {
        assertSignatureRejected("wrong-secret",
                payload -> WebhookSigner.sign(payload, "whsec_not_the_configured_secret"));
    }

    @Test
    void anEventWithoutAStripeSignatureHeaderIsRejectedAndChangesNothing() {
        assertSignatureRejected("no-header", payload -> null);
    }

    @Test
    void aSignatureHeaderWithANonNumericTimestampIsRejectedAndChangesNothing() {
        assertSignatureRejected("bad-timestamp", payload -> {
            String validSignature = WebhookSigner.sign(payload, TestServer.WEBHOOK_SECRET);
            String v1 = validSignature.substring(validSignature.indexOf("v1="));
            return "t=abc," + v1;
        });
    }

    @Test
    void aSignatureMoreThan300SecondsOldIsRejectedAndChangesNothing() {
        assertSignatureRejected("old-timestamp", payload -> {
            long tooOld = Instant.now().getEpochSecond() - 301;
            return WebhookSigner.sign(payload, TestServer.WEBHOOK_SECRET, tooOld);
        });
    }

    @Test
    void aSignatureWellWithinTheToleranceIsAccepted() {
        // The other side of the 300 s boundary, with a margin so that a slow machine stays green.
        PendingCheckout checkout = PendingCheckout.create(server, "recent-timestamp");
        String payload = server.paidEvent(checkout.sessionId());
        long recent = Instant.now().getEpochSecond() - 240;

        HttpResponse<String> response = server.deliver(payload,
                WebhookSigner.sign(payload, TestServer.WEBHOOK_SECRET, recent));

        assertAccepted(response);
        assertCredited(server, checkout);
    }

    @Test
    void aBodyChangedAfterSigningIsRejectedAndChangesNothing() {
        PendingCheckout checkout = PendingCheckout.create(server, "tampered");
        String signed = server.paidEvent(checkout.sessionId());
        String tampered = signed.replace("\"amount_total\" : " + POPULAR_CENTS, "\"amount_total\" : 1");
        assertNotEquals(signed, tampered, "the test must really change the body");

        HttpResponse<String> response = server.deliver(tampered,
                WebhookSigner.sign(signed, TestServer.WEBHOOK_SECRET));

        assertError(response, 400, "invalid_signature");
        assertNothingChanged(server, checkout, eventIdOf(signed));
    }

    @Test
    void whileRotatingSecretsAnEventSignedWithEitherSecretIsAccepted(@TempDir Path ownDir) {
        String oldSecret = "whsec_test_old_secret";
        String newSecret = "whsec_test_new_secret";
        try (TestServer rotating = TestServer.start(ownDir,
                Map.of("STRIPE_WEBHOOK_SECRET", oldSecret + "," + newSecret))) {
            PendingCheckout byOld = PendingCheckout.create(rotating, "rotation-old");
            PendingCheckout byNew = PendingCheckout.create(rotating, "rotation-new");
            PendingCheckout byNeither = PendingCheckout.create(rotating, "rotation-neither");
            String oldPayload = rotating.paidEvent(byOld.sessionId());
            String newPayload = rotating.paidEvent(byNew.sessionId());
            String neitherPayload = rotating.paidEvent(byNeither.sessionId());

            assertAccepted(rotating.deliver(oldPayload, WebhookSigner.sign(oldPayload, oldSecret)));
            assertAccepted(rotating.deliver(newPayload, WebhookSigner.sign(newPayload, newSecret)));
            assertError(rotating.deliver(neitherPayload,
                    WebhookSigner.sign(neitherPayload, TestServer.WEBHOOK_SECRET)), 400, "invalid_signature");

            assertCredited(rotating, byOld);
            assertCredited(rotating, byNew);
            assertNothingChanged(rotating, byNeither, eventIdOf(neitherPayload));
        }
    }

    @Test
    void aPayloadWithNonAsciiTextIsVerifiedOnItsUtf8Bytes() {
        String user = uniqueUser("zoë-łukasz-山田");
        String sessionId = newSessionId();
        ObjectNode session = StripeEvents.paidSession(sessionId, user, "popular", POPULAR_COINS, POPULAR_BONUS,
                POPULAR_CENTS, "usd");
        ((ObjectNode) session.get("metadata")).put("note", "Grüße — 🪙");

        assertAccepted(server.deliver(checkoutEvent("checkout.session.completed", session)));

        assertCredited(server, new PendingCheckout(user, null, sessionId));
    }

    // ---- 2. malformed events ----

    @Test
    void aSignedBodyThatIsNotJsonIsABadRequestNotAServerError() {
        long eventsBefore = server.rowsIn("processed_events");

        HttpResponse<String> response = server.deliver("this is {not json");

        assertError(response, 400, "invalid_payload");
        assertEquals(eventsBefore, server.rowsIn("processed_events"));
    }

    @Test
    void signedJsonWithoutIdTypeOrDataObjectIsABadRequest() {
        long eventsBefore = server.rowsIn("processed_events");
        List<String> incomplete = List.of(
                "{}",
                "[]",
                "null",
                "{\"type\": \"checkout.session.completed\", \"data\": {\"object\": {\"id\": \"cs_x\"}}}",
                "{\"id\": \"evt_no_type\", \"data\": {\"object\": {\"id\": \"cs_x\"}}}",
                "{\"id\": \"evt_no_data\", \"type\": \"checkout.session.completed\"}",
                "{\"id\": \"evt_object_not_object\", \"type\": \"checkout.session.completed\","
                        + " \"data\": {\"object\": \"cs_x\"}}",
                "{\"id\": 42, \"type\": \"checkout.session.completed\", \"data\": {\"object\": {}}}");

        for (String payload : incomplete) {
            assertError(server.deliver(payload), 400, "invalid_payload");
        }
        assertEquals(eventsBefore, server.rowsIn("processed_events"));
    }

    // ---- 3. body size ----

    @Test
    void aBodyOverOneMebibyteIsRejectedWith413() {
        String payload = ignoredEventOfExactly(ONE_MIB + 1);

        HttpResponse<String> response = server.deliver(payload);

        assertError(response, 413, "payload_too_large");
        assertEquals(0, server.processedEventRows(eventIdOf(payload)));
    }

    @Test
    void aBodyOverOneMebibyteSentChunkedWithoutContentLengthIsAlsoRejectedWith413() {
        String payload = ignoredEventOfExactly(2 * ONE_MIB);
        HttpRequest.Builder chunked = HttpRequest.newBuilder(URI.create(server.url("/api/payment/webhook")))
                .version(HttpClient.Version.HTTP_1_1)
                .header("Content-Type", "application/json")
                .header("Stripe-Signature", WebhookSigner.sign(payload, TestServer.WEBHOOK_SECRET))
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(payload.getBytes(UTF_8))));

        HttpResponse<String> response = server.send(chunked);

        assertError(response, 413, "payload_too_large");
        assertEquals(0, server.processedEventRows(eventIdOf(payload)));
    }

    @Test
    void aSignedBodyOfExactlyOneMebibyteIsAccepted() {
        String payload = ignoredEventOfExactly(ONE_MIB);

        HttpResponse<String> response = server.deliver(payload);

        assertAccepted(response);
        assertEquals("ignored", server.eventOutcome(eventIdOf(payload)));
    }

    // ---- 4. no webhook secret ----

    @Test
    void withoutAWebhookSecretEveryDeliveryIs503SoThatStripeRetries(@TempDir Path ownDir) {
        try (TestServer bare = TestServer.startWithoutStripe(ownDir)) {
            String sessionId = "cs_test_" + UUID.randomUUID().toString().replace("-", "");
            String payload = StripeEvents.checkoutEvent(StripeEvents.newEventId(), "checkout.session.completed",
                    StripeEvents.paidSession(sessionId, "no-secret-user", "popular", POPULAR_COINS,
                            POPULAR_BONUS, POPULAR_CENTS, "usd"));

            assertError(bare.deliver(payload), 503, "not_configured");
            assertError(bare.deliver(payload, null), 503, "not_configured");

            assertEquals(0, bare.rowsIn("processed_events"));
            assertNull(bare.storedStatus(sessionId));
            assertEquals(0, bare.storedBalance("no-secret-user"));
        }
    }

    // ---- 5. completed / async succeeded ----

    @Test
    void aCompletedPaidSessionIsCreditedOnce() {
        PendingCheckout checkout = PendingCheckout.create(server, "paid");
        String payload = server.paidEvent(checkout.sessionId());
        String paymentIntent = server.stripe().session(checkout.sessionId()).get("payment_intent").asText();

        HttpResponse<String> response = server.deliver(payload);

        assertAccepted(response);
        assertCredited(server, checkout);
        assertEquals(paymentIntent, server.storedPaymentIntent(checkout.sessionId()));
        assertEquals("credited", server.eventOutcome(eventIdOf(payload)));
    }

    @Test
    void aCompletedButUnpaidSessionWaitsAndAsyncPaymentSucceededThenCreditsIt() {
        PendingCheckout checkout = PendingCheckout.create(server, "async-paid");
        server.stripe().markUnpaidComplete(checkout.sessionId());
        String completed = checkoutEvent("checkout.session.completed", server.stripe().session(checkout.sessionId()));

        assertAccepted(server.deliver(completed));

        assertEquals("pending", server.storedStatus(checkout.sessionId()));
        assertEquals(0, server.storedBalance(checkout.userId()));
        assertEquals(0, server.purchaseRows(checkout.sessionId()));

        server.stripe().markPaid(checkout.sessionId());
        ObjectNode paid = server.stripe().session(checkout.sessionId());
        String succeeded = checkoutEvent("checkout.session.async_payment_succeeded", paid);

        assertAccepted(server.deliver(succeeded));

        assertCredited(server, checkout);
        assertEquals(paid.get("payment_intent").asText(), server.storedPaymentIntent(checkout.sessionId()));
    }

    // ---- 6. failed / expired ----

    @Test
    void asyncPaymentFailedMarksTheSessionFailedWithoutCoins() {
        PendingCheckout checkout = PendingCheckout.create(server, "async-failed");
        server.stripe().markUnpaidComplete(checkout.sessionId());
        String failed = checkoutEvent("checkout.session.async_payment_failed",
                server.stripe().session(checkout.sessionId()));

        assertAccepted(server.deliver(failed));

        assertEquals("failed", server.storedStatus(checkout.sessionId()));
        assertNoCoins(server, checkout);
    }

    @Test
    void anExpiredSessionIsMarkedExpiredWithoutCoins() {
        PendingCheckout checkout = PendingCheckout.create(server, "expired");
        server.stripe().markExpired(checkout.sessionId());
        String expired = checkoutEvent("checkout.session.expired", server.stripe().session(checkout.sessionId()));

        assertAccepted(server.deliver(expired));

        assertEquals("expired", server.storedStatus(checkout.sessionId()));
        assertNoCoins(server, checkout);
    }

    @Test
    void expiredOrFailedAfterCompletionDoesNotUncompleteTheSession() {
        PendingCheckout checkout = PendingCheckout.create(server, "late-expired");
        ObjectNode session = server.stripe().session(checkout.sessionId());
        assertAccepted(server.deliver(server.paidEvent(checkout.sessionId())));
        assertCredited(server, checkout);

        assertAccepted(server.deliver(checkoutEvent("checkout.session.expired", session)));
        assertAccepted(server.deliver(checkoutEvent("checkout.session.async_payment_failed", session)));

        assertCredited(server, checkout);
    }

    // ---- 7. other event types ----

    @Test
    void otherEventTypesAreAcknowledgedAndRecordedAsIgnored() {
        String user = uniqueUser("other-types");
        ObjectNode customer = JSON.createObjectNode().put("id", "cus_test_1").put("object", "customer");
        ObjectNode intent = JSON.createObjectNode().put("id", "pi_test_1").put("object", "payment_intent")
                .put("amount", POPULAR_CENTS).put("currency", "usd").put("status", "succeeded");
        intent.putObject("metadata").put("user_id", user);
        List<String> payloads = List.of(
                StripeEvents.event(StripeEvents.newEventId(), "customer.created", customer, Stripe.API_VERSION),
                StripeEvents.event(StripeEvents.newEventId(), "payment_intent.succeeded", intent,
                        Stripe.API_VERSION));
        long sessionsBefore = server.rowsIn("payment_sessions");
        long ledgerBefore = server.rowsIn("coin_ledger");

        for (String payload : payloads) {
            assertAccepted(server.deliver(payload));
            assertEquals("ignored", server.eventOutcome(eventIdOf(payload)));
        }

        assertEquals(sessionsBefore, server.rowsIn("payment_sessions"));
        assertEquals(ledgerBefore, server.rowsIn("coin_ledger"));
        assertEquals(0, server.storedBalance(user));
    }

    // ---- 8. api_version ----

    @Test
    void anEventOfAnotherApiVersionIsCreditedAllTheSame() {
        assertNotEquals(Stripe.API_VERSION.substring(Stripe.API_VERSION.indexOf('.')),
                OTHER_API_VERSION.substring(OTHER_API_VERSION.indexOf('.')),
                "the release train must differ, or stripe-java would still deserialize the event");
        PendingCheckout checkout = PendingCheckout.create(server, "other-version");
        server.stripe().markPaid(checkout.sessionId());
        String payload = StripeEvents.checkoutEvent(StripeEvents.newEventId(), "checkout.session.completed",
                server.stripe().session(checkout.sessionId()), OTHER_API_VERSION);

        assertAccepted(server.deliver(payload));

        assertCredited(server, checkout);
    }

    // ---- 9. amount / currency ----

    @Test
    void aPaidSessionForAnotherAmountIsAcknowledgedButNotCredited() {
        assertPaidButAlteredIsNotCredited("one-cent", "checkout.session.completed",
                session -> session.put("amount_total", 1).put("amount_subtotal", 1));
    }

    @Test
    void aPaidSessionInAnotherCurrencyIsAcknowledgedButNotCredited() {
        assertPaidButAlteredIsNotCredited("other-currency", "checkout.session.async_payment_succeeded",
                session -> session.put("currency", "jpy"));
    }

    // ---- 10. sessions unknown here ----

    @Test
    void aPaidSessionUnknownHereIsRecordedFromItsMetadataAndCredited() {
        String user = uniqueUser("unknown-session");
        String sessionId = newSessionId();
        ObjectNode session = StripeEvents.paidSession(sessionId, user, "popular", POPULAR_COINS, POPULAR_BONUS,
                POPULAR_CENTS, "usd");
        server.stripe().putSession(session);

        assertAccepted(server.deliver(checkoutEvent("checkout.session.completed", session)));

        assertEquals(user, server.queryString("SELECT user_id FROM payment_sessions WHERE session_id = ?",
                sessionId));
        assertEquals(POPULAR_CENTS, server.queryLong(
                "SELECT amount_cents FROM payment_sessions WHERE session_id = ?", sessionId));
        assertCredited(server, new PendingCheckout(user, null, sessionId));
        assertEquals(session.get("payment_intent").asText(), server.storedPaymentIntent(sessionId));
    }

    @ParameterizedTest
    @CsvSource({
            "popular, 5000, 50, 1999", // more coins than the package has
            "popular, 500, 500, 1999", // a bigger bonus
            "popular, 500, 50, 99", // paid less than the package's price
            "no_such_package, 500, 50, 1999"})
    void aPaidSessionUnknownHereWhoseMetadataDiffersFromTheCatalogIsNotCredited(String packageId, long coins,
            long bonus, long amount) {
        String user = uniqueUser("off-catalog");
        String sessionId = newSessionId();
        ObjectNode session = StripeEvents.paidSession(sessionId, user, packageId, coins, bonus, amount, "usd");

        assertAccepted(server.deliver(checkoutEvent("checkout.session.completed", session)));

        assertNull(server.storedStatus(sessionId));
        assertEquals(0, server.purchaseRows(sessionId));
        assertEquals(0, server.storedBalance(user));
        assertEquals("rejected", server.queryString(
                "SELECT outcome FROM processed_events WHERE session_id = ?", sessionId));
    }

    @Test
    void aPaidSessionUnknownHereWithoutMetadataIsIgnoredNotCreditedAndNotAServerError() {
        String user = uniqueUser("no-metadata");
        String sessionId = newSessionId();
        ObjectNode session = StripeEvents.paidSession(sessionId, user, "popular", POPULAR_COINS, POPULAR_BONUS,
                POPULAR_CENTS, "usd");
        session.putObject("metadata");
        String payload = checkoutEvent("checkout.session.completed", session);

        assertAccepted(server.deliver(payload));

        assertNull(server.storedStatus(sessionId));
        assertEquals(0, server.purchaseRows(sessionId));
        assertEquals(0, server.storedBalance(user));
        assertEquals("ignored", server.eventOutcome(eventIdOf(payload)));
    }

    @Test
    void sessionEventsWithOddFieldsAreAcknowledgedWithoutCreditOrServerError() {
        String user = uniqueUser("odd-fields");
        List<ObjectNode> odd = new ArrayList<>();
        odd.add(paidUnknownSession(user).put("amount_total", "1999"));
        odd.add(paidUnknownSession(user).putNull("currency"));
        ObjectNode noId = paidUnknownSession(user);
        noId.remove("id");
        odd.add(noId);
        ObjectNode negativeCoins = paidUnknownSession(user);
        ((ObjectNode) negativeCoins.get("metadata")).put("coins", "-500");
        odd.add(negativeCoins);
        ObjectNode metadataArray = paidUnknownSession(user);
        metadataArray.putArray("metadata").add("user_id");
        odd.add(metadataArray);

        for (ObjectNode session : odd) {
            for (String type : List.of("checkout.session.completed", "checkout.session.expired",
                    "checkout.session.async_payment_failed")) {
                HttpResponse<String> response = server.deliver(checkoutEvent(type, session));
                assertAccepted(response);
            }
        }

        assertEquals(0, server.storedBalance(user));
        assertEquals(0, server.queryLong("SELECT COUNT(*) FROM coin_ledger WHERE user_id = ?", user));
    }

    // ---- 11. exactly once ----

    @Test
    void theSameEventDeliveredTwiceIsCreditedOnce() {
        PendingCheckout checkout = PendingCheckout.create(server, "twice");
        String payload = server.paidEvent(checkout.sessionId());

        assertAccepted(server.deliver(payload));
        assertAccepted(server.deliver(payload));

        assertCredited(server, checkout);
        assertEquals(1, server.processedEventRows(eventIdOf(payload)));
        assertEquals("credited", server.eventOutcome(eventIdOf(payload)));
    }

    @Test
    void completedThenAsyncPaymentSucceededForOneSessionIsCreditedOnce() {
        PendingCheckout checkout = PendingCheckout.create(server, "two-events");
        String completed = server.paidEvent(checkout.sessionId());
        String succeeded = checkoutEvent("checkout.session.async_payment_succeeded",
                server.stripe().session(checkout.sessionId()));

        assertAccepted(server.deliver(completed));
        assertAccepted(server.deliver(succeeded));

        assertCredited(server, checkout);
        assertEquals("credited", server.eventOutcome(eventIdOf(completed)));
        assertEquals("already_done", server.eventOutcome(eventIdOf(succeeded)));
    }

    @Test
    void concurrentDeliveriesOfOneSessionCreditItOnce() throws Exception {
        PendingCheckout checkout = PendingCheckout.create(server, "concurrent");
        String completed = server.paidEvent(checkout.sessionId());
        String succeeded = checkoutEvent("checkout.session.async_payment_succeeded",
                server.stripe().session(checkout.sessionId()));

        List<HttpResponse<String>> answers = Concurrently.allAtOnce(6,
                i -> () -> server.deliver(i % 2 == 0 ? completed : succeeded));

        answers.forEach(WebhookAssertions::assertAccepted);

        assertCredited(server, checkout);
        assertEquals(1, server.processedEventRows(eventIdOf(completed)));
        assertEquals(1, server.processedEventRows(eventIdOf(succeeded)));
    }

    // ---- charge.refunded (SPEC) ----

    @Test
    void aPartialRefundTakesBackItsShareOfTheCoinsRoundedDown() {
        PendingCheckout checkout = PendingCheckout.create(server, "partial-refund");
        String paymentIntent = creditAndGetPaymentIntent(checkout);

        assertAccepted(server.deliver(refundEvent(paymentIntent, 1000)));

        long takenBack = Math.floorDiv((POPULAR_COINS + POPULAR_BONUS) * 1000, POPULAR_CENTS); // 275
        assertEquals(POPULAR_COINS + POPULAR_BONUS - takenBack, server.storedBalance(checkout.userId()));
        assertEquals(server.storedBalance(checkout.userId()), server.ledgerSum(checkout.userId()));
        assertEquals("completed", server.storedStatus(checkout.sessionId()));
    }

    @Test
    void cumulativeRefundsTakeBackOnlyTheNewShareAndAFullRefundTakesAllAndMarksRefunded() {
        PendingCheckout checkout = PendingCheckout.create(server, "full-refund");
        String paymentIntent = creditAndGetPaymentIntent(checkout);
        String partial = refundEvent(paymentIntent, 1000);

        assertAccepted(server.deliver(partial));
        assertAccepted(server.deliver(partial));
        assertEquals(275, server.storedBalance(checkout.userId()));

        assertAccepted(server.deliver(refundEvent(paymentIntent, POPULAR_CENTS)));

        assertEquals(0, server.storedBalance(checkout.userId()));
        assertEquals(0, server.ledgerSum(checkout.userId()));
        assertEquals("refunded", server.storedStatus(checkout.sessionId()));
        assertEquals(1, server.purchaseRows(checkout.sessionId()));
    }

    @Test
    void aRefundOfAnUnknownPaymentIntentChangesNothing() {
        PendingCheckout checkout = PendingCheckout.create(server, "unknown-refund");
        creditAndGetPaymentIntent(checkout);

        assertAccepted(server.deliver(refundEvent("pi_test_never_seen_here", POPULAR_CENTS)));

        assertCredited(server, checkout);
    }

    // ---- 13. hygiene of errors and logs ----

    @Test
    void theWebhookSecretAndSignatureNeverReachTheLog() {
        PendingCheckout checkout = PendingCheckout.create(server, "log-hygiene");
        String payload = server.paidEvent(checkout.sessionId());
        String goodSignature = WebhookSigner.sign(payload, TestServer.WEBHOOK_SECRET);
        String badSignature = WebhookSigner.sign(payload, "whsec_wrong");

        String log = LogCapture.during(() -> {
            assertError(server.deliver(payload, badSignature), 400, "invalid_signature");
            assertAccepted(server.deliver(payload, goodSignature));
        });

        assertTrue(log.contains(eventIdOf(payload)),
                "the log was not captured, so this test would prove nothing:\n" + log);
        assertAll(
                () -> assertFalse(log.contains(TestServer.WEBHOOK_SECRET), "secret in the log"),
                () -> assertFalse(log.contains(hexOf(goodSignature)), "good signature in the log"),
                () -> assertFalse(log.contains(hexOf(badSignature)), "bad signature in the log"));
        assertCredited(server, checkout);
    }

    // ---- helpers ----

    /**
     * A fresh pending checkout's paid event, delivered with the {@code Stripe-Signature} header
     * {@code signatureFor} makes for it (null: none), is refused as invalid_signature and changes nothing.
     */
    private static void assertSignatureRejected(String label, UnaryOperator<String> signatureFor) {
        PendingCheckout checkout = PendingCheckout.create(server, label);
        String payload = server.paidEvent(checkout.sessionId());

        HttpResponse<String> response = server.deliver(payload, signatureFor.apply(payload));

        assertError(response, 400, "invalid_signature");
        assertNothingChanged(server, checkout, eventIdOf(payload));
    }

    /**
     * A fresh pending checkout, paid, whose session {@code alter} changes before it is sent as a
     * {@code type} event: acknowledged, recorded as rejected, still pending and without coins.
     */
    private static void assertPaidButAlteredIsNotCredited(String label, String type, UnaryOperator<ObjectNode> alter) {
        PendingCheckout checkout = PendingCheckout.create(server, label);
        server.stripe().markPaid(checkout.sessionId());
        ObjectNode session = alter.apply(server.stripe().session(checkout.sessionId()));
        String payload = checkoutEvent(type, session);

        assertAccepted(server.deliver(payload));

        assertEquals("rejected", server.eventOutcome(eventIdOf(payload)));
        assertEquals("pending", server.storedStatus(checkout.sessionId()));
        assertNoCoins(server, checkout);
    }

    private static String creditAndGetPaymentIntent(PendingCheckout checkout) {
        assertAccepted(server.deliver(server.paidEvent(checkout.sessionId())));
        assertCredited(server, checkout);
        return server.stripe().session(checkout.sessionId()).get("payment_intent").asText();
    }

    /**
     * The {@code charge.refunded} event of a refund at the fake Stripe that brings the payment's
     * refunded total to {@code amountRefunded} (a payment the fake never saw: an event about it).
     */
    private static String refundEvent(String paymentIntent, long amountRefunded) {
        if (paymentIntent.equals("pi_test_never_seen_here")) {
            return StripeEvents.event(StripeEvents.newEventId(), "charge.refunded",
                    StripeEvents.refundedCharge(paymentIntent, POPULAR_CENTS, amountRefunded, "usd"), Stripe.API_VERSION);
        }
        String chargeId = server.stripe().chargeIdOf(paymentIntent);
        long refundedNow = server.stripe().charge(chargeId).get("amount_refunded").asLong();
        return server.stripe().refund(paymentIntent, amountRefunded - refundedNow, "succeeded").events().get(0);
    }

    private static ObjectNode paidUnknownSession(String user) {
        return StripeEvents.paidSession(newSessionId(), user, "popular", POPULAR_COINS, POPULAR_BONUS,
                POPULAR_CENTS, "usd");
    }

    /**
     * A signed-able {@code customer.created} event padded to exactly {@code bytes} bytes of
     * UTF-8, so the body-size boundary is checked on the very byte.
     */
    static String ignoredEventOfExactly(long bytes) {
        ObjectNode customer = JSON.createObjectNode().put("id", "cus_test_padding").put("object", "customer");
        String event = StripeEvents.event(StripeEvents.newEventId(), "customer.created", customer,
                Stripe.API_VERSION);
        int end = event.lastIndexOf('}');
        String head = event.substring(0, end) + ",\n  \"padding\" : \"";
        String tail = "\"\n}";
        long fill = bytes - head.getBytes(UTF_8).length - tail.getBytes(UTF_8).length;
        String payload = head + "x".repeat(Math.toIntExact(fill)) + tail;
        assertEquals(bytes, payload.getBytes(UTF_8).length);
        return payload;
    }

    private static String hexOf(String signatureHeader) {
        return signatureHeader.substring(signatureHeader.indexOf("v1=") + 3);
    }
}
