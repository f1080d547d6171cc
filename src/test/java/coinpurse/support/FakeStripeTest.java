package coinpurse.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.ApiException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.net.Webhook;
import com.stripe.param.checkout.SessionCreateParams;
import com.stripe.param.checkout.SessionCreateParams.LineItem;
import com.stripe.param.checkout.SessionCreateParams.LineItem.PriceData;
import com.stripe.param.checkout.SessionListParams;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeStripeTest {

    private static final String SECRET = "whsec_test_secret";

    private FakeStripe fake;
    private StripeClient stripe;

    @BeforeEach
    void start() {
        fake = FakeStripe.start();
        stripe = client("sk_test_x");
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void createRetrieveAndPayWithTheRealClient() throws Exception {
        Session created = stripe.v1().checkout().sessions().create(coinsSession(1999, 2));

        assertTrue(created.getId().startsWith("cs_test_"));
        assertEquals("https://checkout.stripe.com/c/pay/" + created.getId(), created.getUrl());
        assertEquals("open", created.getStatus());
        assertEquals("unpaid", created.getPaymentStatus());
        assertEquals("payment", created.getMode());
        assertEquals(3998L, created.getAmountTotal());
        assertEquals("usd", created.getCurrency());
        assertEquals("42", created.getClientReferenceId());
        assertEquals(Map.of("user_id", "42", "package_id", "popular"), created.getMetadata());
        assertNull(created.getPaymentIntent());

        Map<String, String> sent = fake.createRequests().get(0);
        assertEquals("1999", sent.get("line_items[0][price_data][unit_amount]"));
        assertEquals("2", sent.get("line_items[0][quantity]"));
        assertEquals("42", sent.get("metadata[user_id]"));
        assertEquals("payment", sent.get("mode"));

        Session open = stripe.v1().checkout().sessions().retrieve(created.getId());
        assertEquals("open", open.getStatus());

        fake.markPaid(created.getId());
        Session paid = stripe.v1().checkout().sessions().retrieve(created.getId());
        assertEquals("complete", paid.getStatus());
        assertEquals("paid", paid.getPaymentStatus());
        assertTrue(paid.getPaymentIntent().startsWith("pi_test_"));
        assertEquals(2, fake.retrieveCount(created.getId()));
        assertEquals("paid", fake.session(created.getId()).get("payment_status").asText());
    }

    @Test
    void priceIdsUseDefinedPrices() throws Exception {
        fake.definePrice("price_popular", 1999, "eur");
        SessionCreateParams params = SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.PAYMENT)
                .setSuccessUrl("http://localhost:5173/ok")
                .addLineItem(LineItem.builder().setPrice("price_popular").setQuantity(1L).build())
                .build();

        Session session = stripe.v1().checkout().sessions().create(params);

        assertEquals(1999L, session.getAmountTotal());
        assertEquals("eur", session.getCurrency());
    }

    @Test
    void answersStripeErrors() {
        var unauthenticated = assertThrows(AuthenticationException.class,
                () -> client("sk_live_x").v1().checkout().sessions().retrieve("cs_test_1"));
        assertEquals(401, unauthenticated.getStatusCode());

        var unknown = assertThrows(InvalidRequestException.class,
                () -> stripe.v1().checkout().sessions().retrieve("cs_test_unknown"));
        assertEquals(404, unknown.getStatusCode());
        assertEquals("resource_missing", unknown.getCode());
        assertEquals(1, fake.retrieveCount("cs_test_unknown"));

        fake.definePrice("price_known", 100, "usd");
        var unknownPrice = assertThrows(InvalidRequestException.class,
                () -> stripe.v1().checkout().sessions().create(SessionCreateParams.builder()
                        .setMode(SessionCreateParams.Mode.PAYMENT)
                        .addLineItem(LineItem.builder().setPrice("price_nope").setQuantity(1L).build())
                        .build()));
        assertEquals(400, unknownPrice.getStatusCode());
        assertEquals("line_items[0][price]", unknownPrice.getParam());
    }

    @Test
    void failsCreatesUntilReset() throws Exception {
        fake.failCreatesWith(500);
        var failure = assertThrows(ApiException.class,
                () -> stripe.v1().checkout().sessions().create(coinsSession(1999, 1)));
        assertEquals(500, failure.getStatusCode());

        fake.failCreatesWith(0);
        stripe.v1().checkout().sessions().create(coinsSession(1999, 1));
        assertEquals(2, fake.createRequests().size());
    }

    @Test
    void honoursIdempotencyKeys() throws Exception {
        RequestOptions key = RequestOptions.builder().setIdempotencyKey("order-1").build();
        Session first = stripe.v1().checkout().sessions().create(coinsSession(1999, 1), key);
        Session again = stripe.v1().checkout().sessions().create(coinsSession(1999, 1), key);

        assertEquals(first.getId(), again.getId());
        assertEquals(1, fake.createRequests().size());
        assertThrows(IdempotencyException.class,
                () -> stripe.v1().checkout().sessions().create(coinsSession(500, 1), key));
    }

    @Test
    void retriesDoNotDoubleCreate() throws Exception {
        StripeClient retrying = new StripeClient.StripeClientBuilder()
                .setApiKey("sk_test_x").setApiBase(fake.apiBase())
                .setReadTimeout(300).setMaxNetworkRetries(2)
                .build();
        fake.delayResponses(Duration.ofMillis(500));
        Thread resetDelay = new Thread(() -> {
            sleep(200);
            fake.delayResponses(Duration.ZERO);
        });
        resetDelay.start();

        // The first attempt times out after the fake created the session; the retry replays it.
        Session session = retrying.v1().checkout().sessions().create(coinsSession(1999, 1));
        resetDelay.join();

        assertEquals(1, fake.createRequests().size());
        assertEquals("open", fake.session(session.getId()).get("status").asText());
    }

    @Test
    void delaysAnswers() {
        StripeClient impatient = new StripeClient.StripeClientBuilder()
                .setApiKey("sk_test_x").setApiBase(fake.apiBase()).setReadTimeout(200).build();
        fake.delayResponses(Duration.ofSeconds(1));

        assertThrows(ApiConnectionException.class,
                () -> impatient.v1().checkout().sessions().retrieve("cs_test_slow"));
    }

    @Test
    void marksSessions() throws Exception {
        String expired = stripe.v1().checkout().sessions().create(coinsSession(1999, 1)).getId();
        String pending = stripe.v1().checkout().sessions().create(coinsSession(1999, 1)).getId();

        fake.markExpired(expired);
        fake.markUnpaidComplete(pending);

        assertEquals("expired", stripe.v1().checkout().sessions().retrieve(expired).getStatus());
        Session unpaid = stripe.v1().checkout().sessions().retrieve(pending);
        assertEquals("complete", unpaid.getStatus());
        assertEquals("unpaid", unpaid.getPaymentStatus());
        assertNull(unpaid.getUrl());
    }

    @Test
    void servesSessionsTheTestPut() throws Exception {
        ObjectNode foreign = StripeEvents.paidSession("cs_test_foreign", "7", "starter", 100, 0, 499, "usd");
        fake.putSession(foreign);

        Session session = stripe.v1().checkout().sessions().retrieve("cs_test_foreign");

        assertEquals("paid", session.getPaymentStatus());
        assertEquals("100", session.getMetadata().get("coins"));
    }

    @Test
    void listsNewestFirstAcrossPages() throws Exception {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(stripe.v1().checkout().sessions().create(coinsSession(1999, 1)).getId());
        }
        SessionListParams params = SessionListParams.builder()
                .setLimit(2L)
                .setCreated(SessionListParams.Created.builder()
                        .setGte(Instant.now().minusSeconds(60).getEpochSecond()).build())
                .build();

        List<String> listed = new ArrayList<>();
        stripe.v1().checkout().sessions().list(params).autoPagingIterable()
                .forEach(session -> listed.add(session.getId()));

        Collections.reverse(created);
        assertEquals(created, listed);
    }

    @Test
    void servesConcurrentClients() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                ids.add(pool.submit(() -> stripe.v1().checkout().sessions().create(coinsSession(1999, 1)).getId()));
            }
            Set<String> distinct = new HashSet<>();
            for (Future<String> id : ids) {
                distinct.add(id.get());
            }
            assertEquals(40, distinct.size());
            assertEquals(40, fake.createRequests().size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void signerMatchesStripeJava() throws Exception {
        String payload = StripeEvents.checkoutEvent(StripeEvents.newEventId(), "checkout.session.completed",
                StripeEvents.paidSession("cs_test_1", "42", "popular", 500, 50, 1999, "usd"));

        assertTrue(Webhook.Signature.verifyHeader(payload, WebhookSigner.sign(payload, SECRET), SECRET, 300));
        assertThrows(SignatureVerificationException.class,
                () -> Webhook.Signature.verifyHeader(payload, WebhookSigner.sign(payload, "whsec_other"), SECRET, 300));
        long stale = Instant.now().getEpochSecond() - 301;
        assertThrows(SignatureVerificationException.class,
                () -> Webhook.Signature.verifyHeader(payload, WebhookSigner.sign(payload, SECRET, stale), SECRET, 300));
    }

    @Test
    void eventsParseWithStripeJava() throws Exception {
        ObjectNode session = StripeEvents.paidSession("cs_test_1", "42", "popular", 500, 50, 1999, "usd");
        String pinned = StripeEvents.checkoutEvent("evt_test_1", "checkout.session.completed", session);
        String other = StripeEvents.checkoutEvent("evt_test_2", "checkout.session.completed", session, "2020-08-27");

        Event event = Webhook.constructEvent(pinned, WebhookSigner.sign(pinned, SECRET), SECRET);
        Session inside = (Session) event.getDataObjectDeserializer().getObject().orElseThrow();
        assertEquals("checkout.session.completed", event.getType());
        assertEquals("paid", inside.getPaymentStatus());
        assertEquals("50", inside.getMetadata().get("bonus"));

        Event older = Webhook.constructEvent(other, WebhookSigner.sign(other, SECRET), SECRET);
        assertFalse(older.getDataObjectDeserializer().getObject().isPresent());

        String refund = StripeEvents.event(StripeEvents.newEventId(), "charge.refunded",
                StripeEvents.refundedCharge("pi_test_1", 1999, 1000, "usd"), com.stripe.Stripe.API_VERSION);
        Event refunded = Webhook.constructEvent(refund, WebhookSigner.sign(refund, SECRET), SECRET);
        var charge = (com.stripe.model.Charge) refunded.getDataObjectDeserializer().getObject().orElseThrow();
        assertEquals(1000L, charge.getAmountRefunded());
        assertEquals("pi_test_1", charge.getPaymentIntent());
    }

    private StripeClient client(String apiKey) {
        return new StripeClient.StripeClientBuilder().setApiKey(apiKey).setApiBase(fake.apiBase()).build();
    }

    private static SessionCreateParams coinsSession(long unitAmount, long quantity) {
        return SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.PAYMENT)
                .setSuccessUrl("http://localhost:5173/payment/success?session_id={CHECKOUT_SESSION_ID}")
                .setCancelUrl("http://localhost:5173/payment/cancel")
                .setClientReferenceId("42")
                .putMetadata("user_id", "42")
                .putMetadata("package_id", "popular")
                .addLineItem(LineItem.builder()
                        .setQuantity(quantity)
                        .setPriceData(PriceData.builder()
                                .setCurrency("usd")
                                .setUnitAmount(unitAmount)
                                .setProductData(PriceData.ProductData.builder().setName("500 coins").build())
                                .build())
                        .build())
                .build();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
