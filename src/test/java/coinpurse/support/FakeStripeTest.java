package coinpurse.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.ApiException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Charge;
import com.stripe.model.Dispute;
import com.stripe.model.Event;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Price;
import com.stripe.model.Refund;
import com.stripe.model.checkout.Session;
import com.stripe.model.radar.EarlyFraudWarning;
import com.stripe.net.RequestOptions;
import com.stripe.net.Webhook;
import com.stripe.param.ChargeRetrieveParams;
import com.stripe.param.DisputeListParams;
import com.stripe.param.EventListParams;
import com.stripe.param.RefundCreateParams;
import com.stripe.param.RefundListParams;
import com.stripe.param.radar.EarlyFraudWarningListParams;
import com.stripe.param.checkout.SessionCreateParams;
import com.stripe.param.checkout.SessionCreateParams.LineItem;
import com.stripe.param.checkout.SessionCreateParams.LineItem.PriceData;
import com.stripe.param.checkout.SessionListParams;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeStripeTest {

    private static final String SECRET = "whsec_test_secret";
    private static final ObjectMapper JSON = new ObjectMapper();

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
        fake.delayNextResponses(1, Duration.ofMillis(500));

        // The first attempt times out after the fake created the session; the retry replays it.
        Session session = retrying.v1().checkout().sessions().create(coinsSession(1999, 1));

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

    @Test
    void listsEventsByTypesAndCreatedAcrossPages() throws Exception {
        for (int i = 0; i < 3; i++) {
            String id = stripe.v1().checkout().sessions().create(coinsSession(1999, 1)).getId();
            fake.completeCheckout(id);
            fake.refund(fake.paymentIntentOf(id), 100, "succeeded");
        }
        long now = Instant.now().getEpochSecond();
        String old = fake.emit("charge.refunded", StripeEvents.refundedCharge("pi_test_old", 500, 500, "usd"),
                now - 7200); // emitted last, created two hours ago
        assertEquals(10, fake.events().size());

        EventListParams recent = EventListParams.builder()
                .setLimit(2L)
                .addType("checkout.session.completed")
                .addType("charge.refunded")
                .setCreated(EventListParams.Created.builder().setGte(now - 60).build())
                .build();
        List<Event> listed = new ArrayList<>();
        stripe.v1().events().list(recent).autoPagingIterable().forEach(listed::add);

        List<String> expected = new ArrayList<>(fake.events().stream()
                .filter(json -> !json.equals(old))
                .filter(json -> Set.of("checkout.session.completed", "charge.refunded").contains(type(json)))
                .toList());
        Collections.reverse(expected);
        assertEquals(expected.stream().map(json -> tree(json).get("id").asText()).toList(),
                listed.stream().map(Event::getId).toList());
        for (int i = 0; i < listed.size(); i++) {
            assertEquals(tree(expected.get(i)).get("data").get("object"),
                    tree(listed.get(i).getDataObjectDeserializer().getRawJson()));
        }

        List<String> refunded = new ArrayList<>();
        stripe.v1().events().list(EventListParams.builder().setType("charge.refunded").setLimit(3L).build())
                .autoPagingIterable().forEach(event -> refunded.add(event.getId()));
        assertEquals(4, refunded.size());
        assertEquals(tree(old).get("id").asText(), refunded.get(3)); // the oldest by created comes last

        assertEquals(3, stripe.v1().events().list(EventListParams.builder().setType("refund.created").build())
                .getData().size());
        assertEquals(4, stripe.v1().events().list(EventListParams.builder().setType("charge.*").build())
                .getData().size());

        JsonNode repeated = tree(get("/v1/events?types[]=refund.created&types[]=checkout.session.completed&limit=100"));
        assertEquals(6, repeated.get("data").size());
        assertEquals("/v1/events", repeated.get("url").asText());
        assertFalse(repeated.get("has_more").asBoolean());

        var unknown = assertThrows(InvalidRequestException.class, () -> stripe.v1().events()
                .list(EventListParams.builder().setStartingAfter("evt_test_nope").build()));
        assertEquals(400, unknown.getStatusCode());
        assertEquals("resource_missing", unknown.getCode());
    }

    @Test
    void retrievesPrices() throws Exception {
        fake.definePrice("price_popular", 1999, "eur");

        Price price = stripe.v1().prices().retrieve("price_popular");

        assertEquals("price_popular", price.getId());
        assertEquals(1999L, price.getUnitAmount());
        assertEquals("eur", price.getCurrency());
        assertEquals("one_time", price.getType());
        assertTrue(price.getActive());
        assertFalse(price.getLivemode());
        assertTrue(price.getProduct().startsWith("prod_test_"));
        var unknown = assertThrows(InvalidRequestException.class, () -> stripe.v1().prices().retrieve("price_nope"));
        assertEquals(404, unknown.getStatusCode());
        assertEquals("resource_missing", unknown.getCode());
        assertEquals("No such price: 'price_nope'", unknown.getStripeError().getMessage());
        assertEquals(1, fake.priceRetrieveCount("price_popular"));
        assertEquals(1, fake.priceRetrieveCount("price_nope"));
    }

    @Test
    void expiresOpenSessionsOnly() throws Exception {
        String id = stripe.v1().checkout().sessions().create(coinsSession(1999, 1)).getId();

        Session expired = stripe.v1().checkout().sessions().expire(id);

        assertEquals("expired", expired.getStatus());
        assertNull(expired.getUrl());
        assertEquals(List.of(id), fake.expiredByApi());
        JsonNode event = tree(fake.events().get(0));
        assertEquals(1, fake.events().size());
        assertEquals("checkout.session.expired", event.get("type").asText());
        assertEquals(id, event.get("data").get("object").get("id").asText());
        assertEquals("expired", event.get("data").get("object").get("status").asText());

        var again = assertThrows(InvalidRequestException.class, () -> stripe.v1().checkout().sessions().expire(id));
        assertEquals(400, again.getStatusCode());
        assertTrue(again.getStripeError().getMessage().startsWith(
                "Only Checkout Sessions with a status in [\"open\"] can be expired."), again.getMessage());
        String paid = stripe.v1().checkout().sessions().create(coinsSession(1999, 1)).getId();
        fake.completeCheckout(paid);
        assertEquals(400, assertThrows(InvalidRequestException.class,
                () -> stripe.v1().checkout().sessions().expire(paid)).getStatusCode());
        assertEquals(404, assertThrows(InvalidRequestException.class,
                () -> stripe.v1().checkout().sessions().expire("cs_test_nope")).getStatusCode());
        assertEquals(List.of(id), fake.expiredByApi());
        assertEquals(2, fake.events().size()); // the expiry and the completion
    }

    @Test
    void paymentIntentMetadataReachesTheCharge() throws Exception {
        SessionCreateParams params = coinsSessionBuilder(1999, 2)
                .setPaymentIntentData(SessionCreateParams.PaymentIntentData.builder()
                        .putMetadata("user_id", "42").putMetadata("purchase", "p1").build())
                .build();
        String id = stripe.v1().checkout().sessions().create(params).getId();
        assertEquals(Map.of("user_id", "42", "purchase", "p1"), fake.paymentIntentMetadata(id));
        assertNull(fake.paymentIntentOf(id));

        List<String> completed = fake.completeCheckout(id);

        assertEquals(List.of("checkout.session.completed"), completed.stream().map(FakeStripeTest::type).toList());
        assertEquals(completed, fake.events());
        String paymentIntent = fake.paymentIntentOf(id);
        assertEquals(paymentIntent, tree(completed.get(0)).get("data").get("object").get("payment_intent").asText());
        Charge charge = stripe.v1().charges().retrieve(fake.chargeIdOf(paymentIntent));
        assertTrue(charge.getId().startsWith("ch_test_"));
        assertEquals(3998L, charge.getAmount());
        assertEquals("usd", charge.getCurrency());
        assertEquals(0L, charge.getAmountRefunded());
        assertFalse(charge.getRefunded());
        assertTrue(charge.getCaptured());
        assertTrue(charge.getPaid());
        assertEquals("succeeded", charge.getStatus());
        assertEquals(paymentIntent, charge.getPaymentIntent());
        assertEquals(Map.of("user_id", "42", "purchase", "p1"), charge.getMetadata());
        assertEquals(Map.of("user_id", "42", "package_id", "popular"),
                JSON.convertValue(fake.session(id).get("metadata"), Map.class)); // the session's own stay apart
    }

    @Test
    void refundsAccumulateAndAFailedOneGivesTheMoneyBack() throws Exception {
        String paymentIntent = paidPaymentIntent(1999);
        String chargeId = fake.chargeIdOf(paymentIntent);

        FakeStripe.Refund pending = fake.refund(paymentIntent, 500, "pending");
        assertEquals(List.of("charge.refunded", "refund.created"), types(pending.events()));
        JsonNode refundedCharge = object(pending.events().get(0));
        assertEquals(500, refundedCharge.get("amount_refunded").asLong());
        assertFalse(refundedCharge.get("refunded").asBoolean());
        assertFalse(refundedCharge.has("refunds"));
        assertEquals(pending.id(), object(pending.events().get(1)).get("id").asText());
        assertEquals("pending", object(pending.events().get(1)).get("status").asText());
        Event parsed = Webhook.constructEvent(pending.events().get(0),
                WebhookSigner.sign(pending.events().get(0), SECRET), SECRET);
        assertEquals(500L, ((Charge) parsed.getDataObjectDeserializer().getObject().orElseThrow()).getAmountRefunded());

        FakeStripe.Refund rest = fake.refund(paymentIntent, 1499, "succeeded");
        assertEquals(1999L, stripe.v1().charges().retrieve(chargeId).getAmountRefunded());
        assertTrue(stripe.v1().charges().retrieve(chargeId).getRefunded());
        assertThrows(IllegalArgumentException.class, () -> fake.refund(paymentIntent, 1, "succeeded"));

        List<String> failed = fake.setRefundStatus(pending.id(), "failed");
        assertEquals(List.of("refund.updated", "refund.failed", "charge.refund.updated"), types(failed));
        assertEquals(1499, fake.charge(chargeId).get("amount_refunded").asLong());
        assertFalse(fake.charge(chargeId).get("refunded").asBoolean());
        var refund = stripe.v1().refunds().retrieve(pending.id());
        assertEquals("failed", refund.getStatus());
        assertEquals("expired_or_canceled_card", refund.getFailureReason());
        assertTrue(refund.getFailureBalanceTransaction().startsWith("txn_test_"));
        assertEquals(chargeId, refund.getCharge());
        assertThrows(IllegalStateException.class, () -> fake.setRefundStatus(pending.id(), "succeeded"));
        assertThrows(IllegalStateException.class, () -> fake.setRefundStatus(rest.id(), "canceled"));

        FakeStripe.Refund another = fake.refund(paymentIntent, 500, "pending");
        assertEquals(List.of("refund.updated", "charge.refund.updated"),
                types(fake.setRefundStatus(another.id(), "succeeded")));
        assertEquals(1999, fake.charge(chargeId).get("amount_refunded").asLong());
        assertEquals("succeeded", fake.refundObject(another.id()).get("status").asText());
        assertEquals(404, assertThrows(InvalidRequestException.class,
                () -> stripe.v1().refunds().retrieve("re_test_nope")).getStatusCode());
        assertEquals(404, assertThrows(InvalidRequestException.class,
                () -> stripe.v1().charges().retrieve("ch_test_nope")).getStatusCode());
    }

    @Test
    void disputesOpenMoveAndClose() throws Exception {
        String paymentIntent = paidPaymentIntent(1999);
        int before = fake.events().size();

        FakeStripe.Dispute dispute = fake.openDispute(paymentIntent, false);
        assertTrue(dispute.id().startsWith("dp_test_"));
        assertEquals(List.of("charge.dispute.created", "charge.dispute.funds_withdrawn"), types(dispute.events()));
        JsonNode opened = object(dispute.events().get(0));
        assertEquals("needs_response", opened.get("status").asText());
        assertEquals(1999, opened.get("amount").asLong());
        assertEquals(fake.chargeIdOf(paymentIntent), opened.get("charge").asText());
        assertTrue(fake.charge(fake.chargeIdOf(paymentIntent)).get("disputed").asBoolean());

        List<String> updated = fake.updateDispute(dispute.id(), "under_review");
        assertEquals(List.of("charge.dispute.updated"), types(updated));
        assertThrows(IllegalArgumentException.class, () -> fake.updateDispute(dispute.id(), "warning_under_review"));
        assertThrows(IllegalArgumentException.class, () -> fake.closeDispute(dispute.id(), "warning_closed"));

        List<String> won = fake.closeDispute(dispute.id(), "won");
        assertEquals(List.of("charge.dispute.closed", "charge.dispute.funds_reinstated"), types(won));
        assertEquals("won", object(won.get(0)).get("status").asText());
        assertEquals("won", object(won.get(1)).get("status").asText());
        assertThrows(IllegalStateException.class, () -> fake.closeDispute(dispute.id(), "lost"));
        assertThrows(IllegalStateException.class, () -> fake.updateDispute(dispute.id(), "under_review"));
        var retrieved = stripe.v1().disputes().retrieve(dispute.id());
        assertEquals("won", retrieved.getStatus());
        assertEquals(2, retrieved.getBalanceTransactions().size());

        FakeStripe.Dispute inquiry = fake.openDispute(paymentIntent, true);
        assertEquals(List.of("charge.dispute.created"), types(inquiry.events()));
        assertEquals("warning_needs_response", fake.dispute(inquiry.id()).get("status").asText());
        assertThrows(IllegalArgumentException.class, () -> fake.closeDispute(inquiry.id(), "won"));
        List<String> closed = fake.closeDispute(inquiry.id(), "warning_closed");
        assertEquals(List.of("charge.dispute.closed"), types(closed));

        FakeStripe.Dispute lost = fake.openDispute(paymentIntent, false);
        List<String> lostEvents = fake.closeDispute(lost.id(), "lost");
        assertEquals(List.of("charge.dispute.closed"), types(lostEvents));

        List<String> all = new ArrayList<>();
        List.of(dispute.events(), updated, won, inquiry.events(), closed, lost.events(), lostEvents)
                .forEach(all::addAll);
        assertEquals(all, fake.events().subList(before, fake.events().size()));
        assertEquals(404, assertThrows(InvalidRequestException.class,
                () -> stripe.v1().disputes().retrieve("dp_test_nope")).getStatusCode());
    }

    // ---- refunds through the API, early fraud warnings, payment intents ----

    @Test
    void listsAChargesRefundsNewestFirstAcrossPages() throws Exception {
        String paymentIntent = paidPaymentIntent(1999);
        String other = paidPaymentIntent(999);
        String chargeId = fake.chargeIdOf(paymentIntent);
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(fake.refund(paymentIntent, 100, "succeeded").id());
            made.add(createRefund(RefundCreateParams.builder().setPaymentIntent(paymentIntent).setAmount(100L)).getId());
        }
        fake.refund(other, 999, "succeeded");
        Collections.reverse(made);

        List<String> byIntent = new ArrayList<>();
        stripe.v1().refunds().list(RefundListParams.builder().setPaymentIntent(paymentIntent).setLimit(4L).build())
                .autoPagingIterable().forEach(refund -> byIntent.add(refund.getId()));
        List<String> byCharge = new ArrayList<>();
        stripe.v1().refunds().list(RefundListParams.builder().setCharge(chargeId).setLimit(2L).build())
                .autoPagingIterable().forEach(refund -> byCharge.add(refund.getId()));

        assertEquals(made, byIntent);
        assertEquals(made, byCharge);
        var firstPage = stripe.v1().refunds().list(RefundListParams.builder().setPaymentIntent(paymentIntent).build());
        assertEquals(6, firstPage.getData().size()); // default limit 10
        assertFalse(firstPage.getHasMore());
        assertEquals("/v1/refunds", firstPage.getUrl());
        assertEquals(7, stripe.v1().refunds().list(RefundListParams.builder().setLimit(100L).build()).getData().size());
        JsonNode before = tree(get("/v1/refunds?payment_intent=" + paymentIntent + "&limit=2&ending_before=" + made.get(4)));
        assertEquals(List.of(made.get(2), made.get(3)), ids(before));
        assertTrue(before.get("has_more").asBoolean());
        assertEquals("list", before.get("object").asText());
        for (long limit : new long[] {0, 101}) {
            var outOfRange = assertThrows(InvalidRequestException.class, () -> stripe.v1().refunds()
                    .list(RefundListParams.builder().setLimit(limit).build()));
            assertEquals("limit", outOfRange.getParam());
        }
        assertEquals("resource_missing", assertThrows(InvalidRequestException.class, () -> stripe.v1().refunds()
                .list(RefundListParams.builder().setStartingAfter("re_test_nope").build())).getCode());

        Charge expanded = stripe.v1().charges().retrieve(chargeId,
                ChargeRetrieveParams.builder().addExpand("refunds").build());
        assertEquals(made, expanded.getRefunds().getData().stream().map(Refund::getId).toList());
        assertEquals("/v1/charges/" + chargeId + "/refunds", expanded.getRefunds().getUrl());
        assertNull(stripe.v1().charges().retrieve(chargeId).getRefunds());
    }

    @Test
    void createsRefundsLikeTheControlMethod() throws Exception {
        String paymentIntent = paidPaymentIntent(1999);
        String chargeId = fake.chargeIdOf(paymentIntent);
        int before = fake.events().size();

        Refund partial = createRefund(RefundCreateParams.builder().setCharge(chargeId).setAmount(500L)
                .setReason(RefundCreateParams.Reason.REQUESTED_BY_CUSTOMER).putMetadata("ticket", "T-1"));

        assertTrue(partial.getId().startsWith("re_test_"));
        assertEquals("refund", partial.getObject());
        assertEquals(500L, partial.getAmount());
        assertEquals("usd", partial.getCurrency());
        assertEquals(chargeId, partial.getCharge());
        assertEquals(paymentIntent, partial.getPaymentIntent());
        assertEquals("requested_by_customer", partial.getReason());
        assertEquals(Map.of("ticket", "T-1"), partial.getMetadata());
        assertEquals("succeeded", partial.getStatus());
        assertEquals(500, fake.charge(chargeId).get("amount_refunded").asLong());
        assertFalse(fake.charge(chargeId).get("refunded").asBoolean());
        FakeStripe.ApiRefund recorded = fake.refundsCreatedByApi().get(0);
        assertEquals(partial.getId(), recorded.refundId());
        assertEquals("500", recorded.params().get("amount"));
        assertEquals(List.of("charge.refunded", "refund.created"), types(recorded.events()));
        assertEquals(500, object(recorded.events().get(0)).get("amount_refunded").asLong());
        assertEquals(partial.getId(), object(recorded.events().get(1)).get("id").asText());
        assertEquals(recorded.events(), fake.events().subList(before, fake.events().size()));

        fake.setApiRefundStatus("pending");
        Refund rest = createRefund(RefundCreateParams.builder().setPaymentIntent(paymentIntent)); // no amount: the rest

        assertEquals(1499L, rest.getAmount());
        assertEquals("pending", rest.getStatus());
        assertNull(rest.getReason());
        assertEquals(1999, fake.charge(chargeId).get("amount_refunded").asLong());
        assertTrue(fake.charge(chargeId).get("refunded").asBoolean());
        assertEquals(List.of(partial.getId(), rest.getId()),
                fake.refundsCreatedByApi().stream().map(FakeStripe.ApiRefund::refundId).toList());
        assertEquals(2, stripe.v1().events().list(EventListParams.builder().setType("refund.created").build())
                .getData().size());
        assertThrows(IllegalArgumentException.class, () -> fake.setApiRefundStatus("failed"));
    }

    @Test
    void replaysARefundForTheSameIdempotencyKeyAndParams() throws Exception {
        String paymentIntent = paidPaymentIntent(1999);
        RequestOptions key = RequestOptions.builder().setIdempotencyKey("efw-issfr_1").build();
        RefundCreateParams params = RefundCreateParams.builder().setPaymentIntent(paymentIntent)
                .setReason(RefundCreateParams.Reason.FRAUDULENT).build();

        Refund first = stripe.v1().refunds().create(params, key);
        int events = fake.events().size();
        Refund again = stripe.v1().refunds().create(params, key);

        assertEquals(first.getId(), again.getId());
        assertEquals(1999L, again.getAmount());
        assertEquals("true", again.getLastResponse().headers().firstValue("Idempotent-Replayed").orElse(null));
        assertTrue(first.getLastResponse().headers().firstValue("Idempotent-Replayed").isEmpty());
        assertEquals(1, fake.refundsCreatedByApi().size());
        assertEquals("efw-issfr_1", fake.refundsCreatedByApi().get(0).idempotencyKey());
        assertEquals(2, fake.refundCreateCalls());
        assertEquals(events, fake.events().size()); // nothing emitted again
        assertEquals(1, stripe.v1().refunds().list(RefundListParams.builder().setPaymentIntent(paymentIntent).build())
                .getData().size());
    }

    @Test
    void anIdempotencyKeyReusedWithOtherParamsOrEndpointIsStripesIdempotencyError() throws Exception {
        String paymentIntent = paidPaymentIntent(1999);
        RequestOptions key = RequestOptions.builder().setIdempotencyKey("refund-1").build();
        stripe.v1().refunds().create(RefundCreateParams.builder().setPaymentIntent(paymentIntent).setAmount(100L).build(), key);

        var otherAmount = assertThrows(IdempotencyException.class, () -> stripe.v1().refunds().create(
                RefundCreateParams.builder().setPaymentIntent(paymentIntent).setAmount(200L).build(), key));
        var otherEndpoint = assertThrows(IdempotencyException.class,
                () -> stripe.v1().checkout().sessions().create(coinsSession(1999, 1), key));

        assertEquals(400, otherAmount.getStatusCode());
        assertEquals("idempotency_error", otherAmount.getStripeError().getType());
        assertTrue(otherAmount.getStripeError().getMessage().contains("same parameters"), otherAmount.getMessage());
        assertTrue(otherEndpoint.getStripeError().getMessage().contains("same endpoint"), otherEndpoint.getMessage());
        assertEquals(1, fake.refundsCreatedByApi().size());
        assertEquals(100, fake.charge(fake.chargeIdOf(paymentIntent)).get("amount_refunded").asLong());
        assertEquals(1, fake.createRequests().size()); // the paid session's only
    }

    @Test
    void anErrorAfterValidationIsReplayedForItsKeyButAValidationErrorIsNot() throws Exception {
        String paymentIntent = paidPaymentIntent(1999);
        FakeStripe.Dispute dispute = fake.openDispute(paymentIntent, false);
        RequestOptions key = RequestOptions.builder().setIdempotencyKey("efw-issfr_3").build();
        RefundCreateParams params = RefundCreateParams.builder().setPaymentIntent(paymentIntent).build();
        var disputed = assertThrows(InvalidRequestException.class, () -> stripe.v1().refunds().create(params, key));
        assertEquals("charge_disputed", disputed.getCode());
        fake.closeDispute(dispute.id(), "won");

        var replayed = assertThrows(InvalidRequestException.class, () -> stripe.v1().refunds().create(params, key));
        assertEquals("charge_disputed", replayed.getCode()); // Stripe keeps the first answer, error or not
        assertEquals(0, fake.refundsCreatedByApi().size());
        Refund withNewKey = stripe.v1().refunds().create(params,
                RequestOptions.builder().setIdempotencyKey("efw-issfr_3-again").build());
        assertEquals(1999L, withNewKey.getAmount());

        String other = paidPaymentIntent(999);
        RequestOptions validated = RequestOptions.builder().setIdempotencyKey("refund-2").build();
        var invalid = assertThrows(InvalidRequestException.class, () -> stripe.v1().refunds().create(
                RefundCreateParams.builder().setPaymentIntent(other).setAmount(0L).build(), validated));
        assertEquals("parameter_invalid_integer", invalid.getCode());
        Refund afterInvalid = stripe.v1().refunds().create(
                RefundCreateParams.builder().setPaymentIntent(other).build(), validated); // nothing kept: no conflict
        assertEquals(999L, afterInvalid.getAmount());
    }

    @Test
    void refusesRefundsAsStripeDoes() throws Exception {
        String paymentIntent = paidPaymentIntent(1999);
        String chargeId = fake.chargeIdOf(paymentIntent);

        var tooMuch = refundError(() -> RefundCreateParams.builder().setPaymentIntent(paymentIntent).setAmount(2000L));
        assertEquals(400, tooMuch.getStatusCode());
        assertNull(tooMuch.getCode()); // Stripe names no code here; amount_too_large is for its maximum
        assertEquals("amount", tooMuch.getParam());
        assertEquals("Refund amount ($20.00) is greater than unrefunded amount on charge ($19.99)",
                tooMuch.getStripeError().getMessage());
        createRefund(RefundCreateParams.builder().setPaymentIntent(paymentIntent).setAmount(1500L));
        assertEquals("Refund amount ($5.00) is greater than unrefunded amount on charge ($4.99)",
                refundError(() -> RefundCreateParams.builder().setCharge(chargeId).setAmount(500L))
                        .getStripeError().getMessage());
        createRefund(RefundCreateParams.builder().setCharge(chargeId));
        var already = refundError(() -> RefundCreateParams.builder().setPaymentIntent(paymentIntent));
        assertEquals(400, already.getStatusCode());
        assertEquals("charge_already_refunded", already.getCode());
        assertEquals("Charge " + chargeId + " has already been refunded.", already.getStripeError().getMessage());

        var unknownIntent = refundError(() -> RefundCreateParams.builder().setPaymentIntent("pi_test_nope"));
        assertEquals(404, unknownIntent.getStatusCode());
        assertEquals("resource_missing", unknownIntent.getCode());
        assertEquals("payment_intent", unknownIntent.getParam());
        var unknownCharge = refundError(() -> RefundCreateParams.builder().setCharge("ch_test_nope"));
        assertEquals(404, unknownCharge.getStatusCode());
        assertEquals("resource_missing", unknownCharge.getCode());
        assertEquals("parameter_missing", refundError(RefundCreateParams::builder).getCode());
        String fresh = paidPaymentIntent(999);
        assertEquals("parameter_invalid_integer",
                refundError(() -> RefundCreateParams.builder().setPaymentIntent(fresh).setAmount(0L)).getCode());
        assertEquals(2, fake.refundsCreatedByApi().size());
        assertEquals(9, fake.refundCreateCalls());
    }

    @Test
    void refusesToRefundAChargeUnderDisputeButNotUnderInquiry() throws Exception {
        String paymentIntent = paidPaymentIntent(1999);
        String chargeId = fake.chargeIdOf(paymentIntent);

        FakeStripe.Dispute inquiry = fake.openDispute(paymentIntent, true);
        assertTrue(stripe.v1().disputes().retrieve(inquiry.id()).getIsChargeRefundable());
        createRefund(RefundCreateParams.builder().setPaymentIntent(paymentIntent).setAmount(100L));
        fake.closeDispute(inquiry.id(), "warning_closed");

        FakeStripe.Dispute dispute = fake.openDispute(paymentIntent, false);
        assertFalse(stripe.v1().disputes().retrieve(dispute.id()).getIsChargeRefundable());
        for (String status : List.of("needs_response", "under_review")) {
            if (status.equals("under_review")) {
                fake.updateDispute(dispute.id(), status);
            }
            var disputed = refundError(() -> RefundCreateParams.builder().setCharge(chargeId));
            assertEquals(400, disputed.getStatusCode());
            assertEquals("charge_disputed", disputed.getCode());
            assertEquals("Charge " + chargeId + " has been charged back; cannot issue a refund.",
                    disputed.getStripeError().getMessage());
        }
        fake.closeDispute(dispute.id(), "lost");
        assertEquals("charge_disputed", refundError(() -> RefundCreateParams.builder().setCharge(chargeId)).getCode());
        assertEquals(100, fake.charge(chargeId).get("amount_refunded").asLong());

        String won = paidPaymentIntent(999);
        FakeStripe.Dispute wonDispute = fake.openDispute(won, false);
        fake.closeDispute(wonDispute.id(), "won");
        assertEquals(999L, createRefund(RefundCreateParams.builder().setPaymentIntent(won)).getAmount());
    }

    @Test
    void aRefundAfterAFailedOneMayTakeWhatTheFailedOneGaveBack() throws Exception {
        String paymentIntent = paidPaymentIntent(1999);
        String chargeId = fake.chargeIdOf(paymentIntent);
        Refund full = createRefund(RefundCreateParams.builder().setPaymentIntent(paymentIntent));
        assertEquals("charge_already_refunded",
                refundError(() -> RefundCreateParams.builder().setPaymentIntent(paymentIntent)).getCode());

        fake.setRefundStatus(full.getId(), "failed");
        assertEquals(0, fake.charge(chargeId).get("amount_refunded").asLong());
        assertFalse(fake.charge(chargeId).get("refunded").asBoolean());
        Refund partial = createRefund(RefundCreateParams.builder().setPaymentIntent(paymentIntent).setAmount(500L));
        fake.setRefundStatus(partial.getId(), "failed");
        Refund again = createRefund(RefundCreateParams.builder().setPaymentIntent(paymentIntent));

        assertEquals(1999L, again.getAmount());
        assertEquals(1999, fake.charge(chargeId).get("amount_refunded").asLong());
        assertTrue(fake.charge(chargeId).get("refunded").asBoolean());
        List<String> statuses = new ArrayList<>();
        stripe.v1().refunds().list(RefundListParams.builder().setCharge(chargeId).build())
                .autoPagingIterable().forEach(refund -> statuses.add(refund.getStatus()));
        assertEquals(List.of("succeeded", "failed", "failed"), statuses);
    }

    @Test
    void failsRefundCreatesUntilResetWithoutKeepingTheKey() throws Exception {
        String paymentIntent = paidPaymentIntent(1999);
        RequestOptions key = RequestOptions.builder().setIdempotencyKey("efw-issfr_2").build();
        RefundCreateParams params = RefundCreateParams.builder().setPaymentIntent(paymentIntent).build();
        fake.failRefundCreatesWith(503);

        var failure = assertThrows(ApiException.class, () -> stripe.v1().refunds().create(params, key));
        assertEquals(503, failure.getStatusCode());
        assertEquals(0, fake.charge(fake.chargeIdOf(paymentIntent)).get("amount_refunded").asLong());
        stripe.v1().checkout().sessions().create(coinsSession(1999, 1)); // sessions still created

        fake.failRefundCreatesWith(0);
        Refund refund = stripe.v1().refunds().create(params, key);
        assertEquals(1999L, refund.getAmount());
        assertEquals(List.of(refund.getId()),
                fake.refundsCreatedByApi().stream().map(FakeStripe.ApiRefund::refundId).toList());
        assertEquals(2, fake.refundCreateCalls());
    }

    @Test
    void earlyFraudWarningsStopBeingActionableOnceTheChargeIsFullyRefunded() throws Exception {
        String paymentIntent = paidPaymentIntent(1999);
        String chargeId = fake.chargeIdOf(paymentIntent);

        FakeStripe.EarlyFraudWarning warning = fake.earlyFraudWarning(paymentIntent, "made_with_stolen_card", true);

        assertTrue(warning.id().startsWith("issfr_test_"));
        assertEquals(List.of("radar.early_fraud_warning.created"), types(warning.events()));
        Event created = Webhook.constructEvent(warning.events().get(0),
                WebhookSigner.sign(warning.events().get(0), SECRET), SECRET);
        EarlyFraudWarning inside = (EarlyFraudWarning) created.getDataObjectDeserializer().getObject().orElseThrow();
        assertEquals(warning.id(), inside.getId());
        EarlyFraudWarning retrieved = stripe.v1().radar().earlyFraudWarnings().retrieve(warning.id());
        assertEquals("radar.early_fraud_warning", retrieved.getObject());
        assertTrue(retrieved.getActionable());
        assertEquals(chargeId, retrieved.getCharge());
        assertEquals(paymentIntent, retrieved.getPaymentIntent());
        assertEquals("made_with_stolen_card", retrieved.getFraudType());
        assertFalse(retrieved.getLivemode());
        assertTrue(retrieved.getCreated() > 0);
        assertEquals(List.of(warning.id()), stripe.v1().radar().earlyFraudWarnings()
                .list(EarlyFraudWarningListParams.builder().setPaymentIntent(paymentIntent).build())
                .getData().stream().map(EarlyFraudWarning::getId).toList());
        assertEquals(404, assertThrows(InvalidRequestException.class,
                () -> stripe.v1().radar().earlyFraudWarnings().retrieve("issfr_test_nope")).getStatusCode());

        FakeStripe.Refund partial = fake.refund(paymentIntent, 500, "succeeded");
        assertEquals(List.of("charge.refunded", "refund.created"), types(partial.events()));
        assertTrue(stripe.v1().radar().earlyFraudWarnings().retrieve(warning.id()).getActionable());

        createRefund(RefundCreateParams.builder().setPaymentIntent(paymentIntent));
        List<String> emitted = fake.refundsCreatedByApi().get(0).events();
        assertEquals(List.of("charge.refunded", "refund.created", "radar.early_fraud_warning.updated"), types(emitted));
        JsonNode updated = object(emitted.get(2));
        assertEquals(warning.id(), updated.get("id").asText());
        assertFalse(updated.get("actionable").asBoolean());
        assertFalse(stripe.v1().radar().earlyFraudWarnings().retrieve(warning.id()).getActionable());
        assertEquals(emitted.get(2), fake.events().get(fake.events().size() - 1));

        fake.setRefundStatus(partial.id(), "failed"); // the charge is refundable again; the warning stays settled
        assertFalse(fake.earlyFraudWarningObject(warning.id()).get("actionable").asBoolean());
        assertThrows(IllegalArgumentException.class, () -> fake.earlyFraudWarning(paymentIntent, "stolen", false));
    }

    @Test
    void earlyFraudWarningsStopBeingActionableOnceTheChargeIsDisputed() throws Exception {
        String inquired = paidPaymentIntent(1999);
        String disputed = paidPaymentIntent(1999);
        FakeStripe.EarlyFraudWarning first = fake.earlyFraudWarning(inquired, "unauthorized_use_of_card", true);
        FakeStripe.EarlyFraudWarning second = fake.earlyFraudWarning(disputed, "misc", true);
        FakeStripe.EarlyFraudWarning already = fake.earlyFraudWarning(disputed, "misc", false);

        FakeStripe.Dispute inquiry = fake.openDispute(inquired, true);
        FakeStripe.Dispute dispute = fake.openDispute(disputed, false);

        assertEquals(List.of("charge.dispute.created", "radar.early_fraud_warning.updated"), types(inquiry.events()));
        assertEquals(first.id(), object(inquiry.events().get(1)).get("id").asText());
        assertEquals(List.of("charge.dispute.created", "charge.dispute.funds_withdrawn",
                "radar.early_fraud_warning.updated"), types(dispute.events()));
        assertEquals(second.id(), object(dispute.events().get(2)).get("id").asText());
        assertFalse(stripe.v1().radar().earlyFraudWarnings().retrieve(first.id()).getActionable());
        assertFalse(stripe.v1().radar().earlyFraudWarnings().retrieve(second.id()).getActionable());
        assertFalse(fake.earlyFraudWarningObject(already.id()).get("actionable").asBoolean());
        assertThrows(IllegalStateException.class, () -> fake.earlyFraudWarning(disputed, "misc", true));
        assertEquals(3, stripe.v1().events().list(EventListParams.builder()
                .setType("radar.early_fraud_warning.created").build()).getData().size());
    }

    @Test
    void retrievesPaymentIntentsWithTheirCheckoutMetadata() throws Exception {
        SessionCreateParams params = coinsSessionBuilder(1999, 1)
                .setPaymentIntentData(SessionCreateParams.PaymentIntentData.builder()
                        .putMetadata("coinpurse_instance", "here").putMetadata("user_id", "42").build())
                .build();
        String sessionId = stripe.v1().checkout().sessions().create(params).getId();
        fake.completeCheckout(sessionId);
        String id = fake.paymentIntentOf(sessionId);

        PaymentIntent intent = stripe.v1().paymentIntents().retrieve(id);

        assertEquals(id, intent.getId());
        assertEquals("payment_intent", intent.getObject());
        assertEquals(1999L, intent.getAmount());
        assertEquals(1999L, intent.getAmountReceived());
        assertEquals("usd", intent.getCurrency());
        assertEquals("succeeded", intent.getStatus());
        assertEquals(fake.chargeIdOf(id), intent.getLatestCharge());
        assertEquals(Map.of("coinpurse_instance", "here", "user_id", "42"), intent.getMetadata());
        var unknown = assertThrows(InvalidRequestException.class, () -> stripe.v1().paymentIntents().retrieve("pi_test_nope"));
        assertEquals(404, unknown.getStatusCode());
        assertEquals("resource_missing", unknown.getCode());
    }

    @Test
    void listsDisputesByPaymentIntentAndCharge() throws Exception {
        String paymentIntent = paidPaymentIntent(1999);
        String other = paidPaymentIntent(999);
        FakeStripe.Dispute first = fake.openDispute(paymentIntent, true);
        fake.closeDispute(first.id(), "warning_closed");
        FakeStripe.Dispute second = fake.openDispute(paymentIntent, false);
        FakeStripe.Dispute elsewhere = fake.openDispute(other, false);

        List<String> byIntent = new ArrayList<>();
        stripe.v1().disputes().list(DisputeListParams.builder().setPaymentIntent(paymentIntent).setLimit(1L).build())
                .autoPagingIterable().forEach(dispute -> byIntent.add(dispute.getId()));
        List<String> byCharge = stripe.v1().disputes()
                .list(DisputeListParams.builder().setCharge(fake.chargeIdOf(other)).build())
                .getData().stream().map(Dispute::getId).toList();

        assertEquals(List.of(second.id(), first.id()), byIntent);
        assertEquals(List.of(elsewhere.id()), byCharge);
        assertEquals(3, stripe.v1().disputes().list(DisputeListParams.builder().build()).getData().size());
    }

    private Refund createRefund(RefundCreateParams.Builder params) throws Exception {
        return stripe.v1().refunds().create(params.build());
    }

    private InvalidRequestException refundError(Supplier<RefundCreateParams.Builder> params) {
        return assertThrows(InvalidRequestException.class, () -> createRefund(params.get()));
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.get("data").forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    private String paidPaymentIntent(long amount) throws Exception {
        String id = stripe.v1().checkout().sessions().create(coinsSession(amount, 1)).getId();
        fake.completeCheckout(id);
        return fake.paymentIntentOf(id);
    }

    private String get(String pathAndQuery) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(fake.apiBase() + pathAndQuery))
                .header("Authorization", "Bearer sk_test_x").GET().build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static String type(String event) {
        return tree(event).get("type").asText();
    }

    private static List<String> types(List<String> events) {
        return events.stream().map(FakeStripeTest::type).toList();
    }

    private static JsonNode object(String event) {
        return tree(event).get("data").get("object");
    }

    private StripeClient client(String apiKey) {
        return new StripeClient.StripeClientBuilder().setApiKey(apiKey).setApiBase(fake.apiBase()).build();
    }

    private static SessionCreateParams coinsSession(long unitAmount, long quantity) {
        return coinsSessionBuilder(unitAmount, quantity).build();
    }

    private static SessionCreateParams.Builder coinsSessionBuilder(long unitAmount, long quantity) {
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
                        .build());
    }
}
