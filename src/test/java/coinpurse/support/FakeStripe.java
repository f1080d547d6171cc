package coinpurse.support;

import static coinpurse.support.StripeWire.JSON;
import static coinpurse.support.StripeWire.bracketed;
import static coinpurse.support.StripeWire.error;
import static coinpurse.support.StripeWire.expands;
import static coinpurse.support.StripeWire.form;
import static coinpurse.support.StripeWire.formAll;
import static coinpurse.support.StripeWire.last;
import static coinpurse.support.StripeWire.ok;
import static coinpurse.support.StripeWire.page;
import static java.nio.charset.StandardCharsets.UTF_8;

import coinpurse.support.StripeWire.Answer;
import coinpurse.support.StripeWire.StripeError;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A fake of Stripe's API on 127.0.0.1, for the real stripe-java client
 * ({@code StripeClientBuilder.setApiBase(fake.apiBase())}) to talk to in tests.
 *
 * <p>Serves {@code POST /v1/checkout/sessions}, {@code GET /v1/checkout/sessions/{id}},
 * {@code GET /v1/checkout/sessions} (list), {@code POST /v1/checkout/sessions/{id}/expire},
 * {@code GET /v1/prices/{id}}, {@code GET /v1/payment_intents/{id}}, {@code GET /v1/charges/{id}}
 * (with {@code expand[]=refunds}), {@code POST /v1/refunds}, {@code GET /v1/refunds} (list),
 * {@code GET /v1/refunds/{id}}, {@code GET /v1/disputes} (list), {@code GET /v1/disputes/{id}},
 * {@code GET /v1/radar/early_fraud_warnings} (list) and {@code /{id}}, {@code GET /v1/events}
 * (list) and {@code GET /v1/events/{id}}. Lists are newest first and page as Stripe's do.
 *
 * <p>Control methods drive a payment's money lifecycle (pay, refund, dispute, early fraud
 * warning); each emitted event is logged, listed by the Events API and returned as the JSON text
 * to deliver to a webhook. The fake delivers nothing itself, except from its hosted Checkout page
 * once {@link #hostCheckout} is called (a browser's Pay delivers {@code checkout.session.completed}).
 * All state sits behind this object's lock.
 */
public final class FakeStripe implements AutoCloseable {

    private static final String SESSIONS = "/v1/checkout/sessions";
    private static final String EVENTS = "/v1/events";
    private static final String REFUNDS = "/v1/refunds";
    private static final String DISPUTES = "/v1/disputes";
    private static final String WARNINGS = "/v1/radar/early_fraud_warnings";
    private static final Set<String> OPEN_DISPUTE = Set.of("needs_response", "under_review");
    private static final Set<String> OPEN_INQUIRY = Set.of("warning_needs_response", "warning_under_review");
    /** The statuses of a (non-inquiry) dispute whose charge Stripe refuses to refund. */
    private static final Set<String> UNREFUNDABLE = Set.of("needs_response", "under_review", "lost");
    private static final Set<String> NEW_REFUND = Set.of("pending", "requires_action", "succeeded");
    private static final Set<String> REFUND_REASONS = Set.of("duplicate", "fraudulent", "requested_by_customer");
    private static final Set<String> FRAUD_TYPES = Set.of("card_never_received", "fraudulent_card_application",
            "made_with_counterfeit_card", "made_with_lost_card", "made_with_stolen_card", "misc",
            "unauthorized_use_of_card");
    private static final Pattern TYPES_KEY = Pattern.compile("types(\\[\\d*\\])?");

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, ObjectNode> sessions = new LinkedHashMap<>();
    private final Map<String, Integer> retrievals = new HashMap<>();
    private final Map<String, Price> prices = new HashMap<>();
    private final Map<String, Integer> priceRetrievals = new HashMap<>();
    private final Map<String, Map<String, String>> paymentIntentMetadata = new HashMap<>();
    private final Map<String, ObjectNode> paymentIntents = new LinkedHashMap<>();
    private final Map<String, ObjectNode> charges = new LinkedHashMap<>();
    private final Map<String, String> chargeByPaymentIntent = new HashMap<>();
    private final Map<String, ObjectNode> refunds = new LinkedHashMap<>();
    private final Map<String, ObjectNode> disputes = new LinkedHashMap<>();
    private final Set<String> inquiries = new HashSet<>();
    private final Map<String, ObjectNode> warnings = new LinkedHashMap<>();
    private final List<LoggedEvent> events = new ArrayList<>();
    private final List<String> expiredByApi = new ArrayList<>();
    private final List<Map<String, String>> createRequests = new ArrayList<>();
    private final IdempotentReplays replays = new IdempotentReplays();
    private final List<ApiRefund> refundsByApi = new ArrayList<>();
    private int refundCreateCalls;
    private String apiRefundStatus = "succeeded";
    private volatile int failCreatesWith;
    private volatile int failRefundCreatesWith;
    private volatile Duration delay = Duration.ZERO;
    /** How many more answers {@link #delay} holds back; -1: every one. */
    private final AtomicInteger delayedAnswersLeft = new AtomicInteger(-1);
    private volatile boolean dropConnections;
    private final AtomicInteger dropped = new AtomicInteger();
    /** The hosted Checkout page, once {@link #hostCheckout} says where its payments are delivered. */
    private volatile FakeCheckoutPage checkoutPage;

    private record Price(long unitAmount, String currency, String product, long created) {
        /** An inline {@code price_data} price, which has no Price object to retrieve. */
        Price(long unitAmount, String currency) {
            this(unitAmount, currency, null, 0);
        }
    }

    private record LoggedEvent(String id, String type, long created, String json) {}

    /**
     * A refund the fake created: its {@code re_test_…} id and the events it emitted, in order
     * ({@code charge.refunded}, {@code refund.created}, then {@code radar.early_fraud_warning.updated}
     * for each warning the full refund made no longer actionable).
     */
    public record Refund(String id, List<String> events) {}

    /**
     * A refund created through {@code POST /v1/refunds} (replays excluded): its id, the request's
     * {@code Idempotency-Key} (null if none), its decoded form params, and the events it emitted.
     */
    public record ApiRefund(String refundId, String idempotencyKey, Map<String, String> params, List<String> events) {}

    /**
     * A dispute the fake opened: its {@code dp_test_…} id and the events it emitted, in order
     * (then {@code radar.early_fraud_warning.updated} for each warning it made no longer actionable).
     */
    public record Dispute(String id, List<String> events) {}

    /** An early fraud warning the fake made: its {@code issfr_test_…} id and the events it emitted. */
    public record EarlyFraudWarning(String id, List<String> events) {}

    private FakeStripe(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts a fake on 127.0.0.1 and a free port. */
    public static FakeStripe start() {
        // The JDK server writes headers and body apart; with Nagle on, the client's delayed ACK
        // stalls every answer ~40 ms. Read once per JVM, by the first server made.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(16, task -> {
            Thread thread = new Thread(task, "fake-stripe-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            HttpServer server = HttpServer.create(
                    new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
            FakeStripe fake = new FakeStripe(server, executor);
            server.createContext("/", fake::handle);
            server.setExecutor(executor);
            server.start();
            return fake;
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot start the fake Stripe", e);
        }
    }

    /** The base URL to give {@code StripeClientBuilder.setApiBase}, e.g. {@code http://127.0.0.1:PORT}. */
    public String apiBase() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Stops the server, cutting short any delayed answer. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- control, for tests ----

    /**
     * From now on, new sessions' {@code url} is the fake's own Checkout page
     * ({@code apiBase()/checkout/pay/{id}}) instead of checkout.stripe.com: a browser can open it,
     * press Pay, and the fake delivers {@code checkout.session.completed} to {@code webhookUrl},
     * signed with {@code webhookSecret}, before sending the browser to the success URL.
     */
    public void hostCheckout(URI webhookUrl, String webhookSecret) {
        checkoutPage = new FakeCheckoutPage(this, webhookUrl, webhookSecret);
    }

    /** Makes {@code line_items[i][price]=priceId} cost {@code unitAmount} (smallest unit) in {@code currency}. */
    public synchronized void definePrice(String priceId, long unitAmount, String currency) {
        prices.put(priceId, new Price(unitAmount, currency, StripeEvents.randomId("prod_test_"),
                Instant.now().getEpochSecond()));
    }

    /** How many times {@code GET /v1/prices/{priceId}} was called (answered 404 included). */
    public synchronized int priceRetrieveCount(String priceId) {
        return priceRetrievals.getOrDefault(priceId, 0);
    }

    /** The decoded form params of every create call (idempotent replays excepted), in order. */
    public synchronized List<Map<String, String>> createRequests() {
        return List.copyOf(createRequests);
    }

    /** A copy of the current JSON of session {@code id}. */
    public synchronized ObjectNode session(String id) {
        return existing(id).deepCopy();
    }

    /** Registers a session the fake never created, as given; returns a copy of it. */
    public synchronized ObjectNode putSession(ObjectNode session) {
        JsonNode id = session.get("id");
        if (id == null || !id.isTextual()) {
            throw new IllegalArgumentException("a session needs a string \"id\"");
        }
        sessions.put(id.asText(), session.deepCopy());
        return session.deepCopy();
    }

    /**
     * Completes session {@code id} as paid, with a new {@code payment_intent} and its succeeded
     * Charge (amount_total, the payment intent's metadata). Emits nothing: see {@link #completeCheckout}.
     */
    public synchronized void markPaid(String id) {
        String paymentIntent = StripeEvents.randomId("pi_test_");
        update(id, session -> session
                .put("status", "complete")
                .put("payment_status", "paid")
                .put("payment_intent", paymentIntent));
        ObjectNode session = existing(id);
        String chargeId = StripeEvents.randomId("ch_test_");
        long amount = session.path("amount_total").asLong();
        ObjectNode charge = JSON.createObjectNode()
                .put("id", chargeId)
                .put("object", "charge")
                .put("amount", amount)
                .put("amount_captured", amount)
                .put("amount_refunded", 0L)
                .put("balance_transaction", StripeEvents.randomId("txn_test_"))
                .put("captured", true)
                .put("created", Instant.now().getEpochSecond())
                .put("currency", session.path("currency").asText(null))
                .put("disputed", false)
                .put("livemode", false);
        ObjectNode metadata = charge.putObject("metadata");
        paymentIntentMetadata.getOrDefault(id, Map.of()).forEach(metadata::put);
        charge.put("paid", true)
                .put("payment_intent", paymentIntent)
                .put("refunded", false)
                .put("status", "succeeded");
        charges.put(chargeId, charge);
        chargeByPaymentIntent.put(paymentIntent, chargeId);
        ObjectNode intent = JSON.createObjectNode()
                .put("id", paymentIntent)
                .put("object", "payment_intent")
                .put("amount", amount)
                .put("amount_received", amount)
                .put("created", charge.get("created").asLong())
                .put("currency", charge.path("currency").asText(null))
                .put("latest_charge", chargeId)
                .put("livemode", false);
        intent.set("metadata", metadata.deepCopy());
        intent.put("status", "succeeded");
        paymentIntents.put(paymentIntent, intent);
    }

    /** {@link #markPaid} and then emits {@code checkout.session.completed} carrying the session. */
    public synchronized List<String> completeCheckout(String sessionId) {
        markPaid(sessionId);
        return List.of(emit("checkout.session.completed", existing(sessionId)));
    }

    /** Session {@code sessionId}'s {@code payment_intent}, or null while it has none. */
    public synchronized String paymentIntentOf(String sessionId) {
        JsonNode paymentIntent = existing(sessionId).get("payment_intent");
        return paymentIntent == null || paymentIntent.isNull() ? null : paymentIntent.asText();
    }

    /** The id of the Charge made for {@code paymentIntent} by {@link #markPaid}. */
    public synchronized String chargeIdOf(String paymentIntent) {
        String chargeId = chargeByPaymentIntent.get(paymentIntent);
        if (chargeId == null) {
            throw new IllegalArgumentException("no charge for payment intent: " + paymentIntent);
        }
        return chargeId;
    }

    /** A copy of the current JSON of charge {@code chargeId}. */
    public synchronized ObjectNode charge(String chargeId) {
        return found(charges, chargeId, "charge").deepCopy();
    }

    /**
     * The metadata sent as {@code payment_intent_data[metadata][…]} when session {@code sessionId}
     * was created (empty if none, or if the session was put); the payment intent and its charge get it
     * ({@code GET /v1/payment_intents/{id}} shows it).
     */
    public synchronized Map<String, String> paymentIntentMetadata(String sessionId) {
        existing(sessionId);
        return Map.copyOf(paymentIntentMetadata.getOrDefault(sessionId, Map.of()));
    }

    // ---- objects made elsewhere ----

    /**
     * Loads Stripe objects that the fake did not make (a fixture's story: sessions, payment intents,
     * charges, refunds, disputes, early fraud warnings), as given under those keys in
     * {@code objects} ({@code checkout_sessions}, {@code payment_intents}, {@code charges},
     * {@code refunds}, {@code disputes}, {@code early_fraud_warnings}), so that its API answers about them.
     */
    public synchronized void load(JsonNode objects) {
        objects.path("checkout_sessions").forEach(session -> putSession((ObjectNode) session));
        objects.path("payment_intents").forEach(intent -> paymentIntents.put(intent.get("id").asText(),
                ((ObjectNode) intent).deepCopy()));
        objects.path("charges").forEach(charge -> {
            charges.put(charge.get("id").asText(), ((ObjectNode) charge).deepCopy());
            chargeByPaymentIntent.put(charge.get("payment_intent").asText(), charge.get("id").asText());
        });
        objects.path("refunds").forEach(refund -> refunds.put(refund.get("id").asText(), ((ObjectNode) refund).deepCopy()));
        objects.path("disputes").forEach(dispute -> {
            disputes.put(dispute.get("id").asText(), ((ObjectNode) dispute).deepCopy());
            if (dispute.path("status").asText().startsWith("warning_")) {
                inquiries.add(dispute.get("id").asText());
            }
        });
        objects.path("early_fraud_warnings").forEach(warning -> warnings.put(warning.get("id").asText(),
                ((ObjectNode) warning).deepCopy()));
    }

    /**
     * Takes events out of the Events API's list, as if they had never been sent to this account's
     * endpoints: what an endpoint not subscribed to their types, and a {@code reconcile} after them,
     * never see.
     */
    public synchronized void unlist(Collection<String> eventJsons) {
        Set<String> ids = new HashSet<>();
        eventJsons.forEach(json -> ids.add(parse(json).get("id").asText()));
        events.removeIf(event -> ids.contains(event.id()));
    }

    /**
     * Logs an event made elsewhere (its JSON text, as a webhook received it) so that the Events API
     * lists it, stamped {@code created} (epoch seconds) rather than its own time; returns the text
     * as logged.
     */
    public synchronized String logEvent(String json, long created) {
        ObjectNode event = (ObjectNode) parse(json);
        event.put("created", created);
        String restamped = event.toString();
        events.add(new LoggedEvent(event.get("id").asText(), event.get("type").asText(), created, restamped));
        return restamped;
    }

    // ---- events ----

    /**
     * Logs an event of {@code type} carrying a copy of {@code object}, at stripe-java's pinned API
     * version and now; returns its JSON text, as a webhook would receive it.
     */
    public synchronized String emit(String type, ObjectNode object) {
        return emit(type, object, Instant.now().getEpochSecond());
    }

    /** As {@link #emit(String, ObjectNode)}, stamped {@code created} (epoch seconds), e.g. to backdate it. */
    public synchronized String emit(String type, ObjectNode object, long created) {
        String id = StripeEvents.newEventId();
        String json = StripeEvents.event(id, type, object, com.stripe.Stripe.API_VERSION, created);
        events.add(new LoggedEvent(id, type, created, json));
        return json;
    }

    /** The JSON text of every emitted event, oldest emitted first. */
    public synchronized List<String> events() {
        return events.stream().map(LoggedEvent::json).toList();
    }

    // ---- refunds ----

    /**
     * Refunds {@code amount} of {@code paymentIntent}'s charge with a Refund in {@code status}
     * (pending, requires_action or succeeded), as a Dashboard refund would: the charge's
     * {@code amount_refunded} grows by it. Emits {@code charge.refunded} (the charge, without a
     * {@code refunds} list) then {@code refund.created}, then, once the charge is fully refunded,
     * {@code radar.early_fraud_warning.updated} for each of its warnings still actionable.
     * Unlike {@code POST /v1/refunds}, a dispute does not stop it.
     */
    public synchronized Refund refund(String paymentIntent, long amount, String status) {
        if (!NEW_REFUND.contains(status)) {
            throw new IllegalArgumentException("a new refund is pending, requires_action or succeeded: " + status);
        }
        ObjectNode charge = found(charges, chargeIdOf(paymentIntent), "charge");
        if (amount <= 0 || amount > unrefunded(charge)) {
            throw new IllegalArgumentException("cannot refund " + amount + " of charge " + charge.get("id").asText()
                    + ": " + charge.get("amount_refunded").asLong() + " of " + charge.get("amount").asLong()
                    + " already refunded");
        }
        return newRefund(charge, amount, status, null, Map.of());
    }

    /**
     * The status refunds created through {@code POST /v1/refunds} start in from now on: pending,
     * requires_action or succeeded (the default).
     */
    public synchronized void setApiRefundStatus(String status) {
        if (!NEW_REFUND.contains(status)) {
            throw new IllegalArgumentException("a new refund is pending, requires_action or succeeded: " + status);
        }
        apiRefundStatus = status;
    }

    /**
     * Answers every {@code POST /v1/refunds} with a Stripe error of {@code httpStatus}, creating
     * nothing and keeping no idempotent answer (a failure before the endpoint runs), until called
     * with 0. Checkout Session creates are not affected (see {@link #failCreatesWith}).
     */
    public void failRefundCreatesWith(int httpStatus) {
        checkErrorStatus(httpStatus);
        failRefundCreatesWith = httpStatus;
    }

    /** The refunds created through {@code POST /v1/refunds}, oldest first; idempotent replays and errors excepted. */
    public synchronized List<ApiRefund> refundsCreatedByApi() {
        return List.copyOf(refundsByApi);
    }

    /** How many {@code POST /v1/refunds} requests were answered (replays and errors included). */
    public synchronized int refundCreateCalls() {
        return refundCreateCalls;
    }

    private static long unrefunded(ObjectNode charge) {
        return charge.get("amount").asLong() - charge.get("amount_refunded").asLong();
    }

    /**
     * Makes a Refund of {@code amount} on {@code charge} and adds it to {@code amount_refunded};
     * emits {@code charge.refunded}, {@code refund.created}, and once fully refunded the warnings'
     * updates. The one path of both {@link #refund} and {@code POST /v1/refunds}.
     */
    private Refund newRefund(ObjectNode charge, long amount, String status, String reason,
            Map<String, String> metadata) {
        long refunded = charge.get("amount_refunded").asLong() + amount;
        boolean full = refunded == charge.get("amount").asLong();
        charge.put("amount_refunded", refunded).put("refunded", full);
        String id = StripeEvents.randomId("re_test_");
        String chargeId = charge.get("id").asText();
        ObjectNode refund = JSON.createObjectNode()
                .put("id", id)
                .put("object", "refund")
                .put("amount", amount)
                .put("balance_transaction", StripeEvents.randomId("txn_test_"))
                .put("charge", chargeId)
                .put("created", Instant.now().getEpochSecond())
                .put("currency", charge.path("currency").asText(null));
        ObjectNode metadataNode = refund.putObject("metadata");
        metadata.forEach(metadataNode::put);
        refund.put("payment_intent", charge.get("payment_intent").asText())
                .put("reason", reason)
                .putNull("receipt_number")
                .putNull("source_transfer_reversal")
                .put("status", status)
                .putNull("transfer_reversal");
        refunds.put(id, refund);
        List<String> emitted = new ArrayList<>(List.of(emit("charge.refunded", charge), emit("refund.created", refund)));
        if (full) {
            emitted.addAll(warningsNoLongerActionable(chargeId));
        }
        return new Refund(id, List.copyOf(emitted));
    }

    /**
     * {@code POST /v1/refunds}: {@code payment_intent} or {@code charge}, optional {@code amount}
     * (default: what is not yet refunded), {@code reason}, {@code metadata[…]}. As Stripe, an
     * {@code Idempotency-Key} keeps the answer of a request that got past parameter validation,
     * error or not, and replays it; a validation error or a {@link #failRefundCreatesWith} failure
     * (one before the endpoint runs) is not kept, so a retry with the key runs anew.
     */
    private synchronized Answer createRefund(Map<String, String> params, String idempotencyKey) {
        refundCreateCalls++;
        Answer replay = replays.replay(idempotencyKey, REFUNDS, params);
        if (replay != null) {
            return replay;
        }
        int failure = failRefundCreatesWith;
        if (failure != 0) {
            throw simulatedFailure(failure);
        }
        String paymentIntent = params.get("payment_intent");
        String chargeId = params.get("charge");
        if (paymentIntent != null && chargeId != null) {
            throw StripeError.invalid(null, null,
                    "You can only specify one of these parameters: charge, payment_intent.");
        }
        if (paymentIntent == null && chargeId == null) {
            throw StripeError.invalid("parameter_missing", null,
                    "One of the following params should be provided for this request: payment_intent or charge.");
        }
        Long amount = params.containsKey("amount") ? positiveInteger(params, "amount") : null;
        String reason = params.get("reason");
        if (reason != null && !REFUND_REASONS.contains(reason)) {
            throw StripeError.invalid(null, "reason",
                    "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer");
        }
        Answer answer;
        try {
            ObjectNode charge = paymentIntent != null ? chargeOfIntent(paymentIntent) : chargeNamed(chargeId);
            Refund refund = newRefund(charge, refundable(charge, amount), apiRefundStatus, reason,
                    bracketed(params, "metadata"));
            answer = ok(refunds.get(refund.id()));
            refundsByApi.add(new ApiRefund(refund.id(), idempotencyKey,
                    Collections.unmodifiableMap(new LinkedHashMap<>(params)), refund.events()));
        } catch (StripeError e) {
            answer = error(e);
        }
        replays.remember(idempotencyKey, REFUNDS, params, answer);
        return answer;
    }

    /** The amount to refund of {@code charge} ({@code requested}, or all that is left), or Stripe's refusal. */
    private long refundable(ObjectNode charge, Long requested) {
        String chargeId = charge.get("id").asText();
        long left = unrefunded(charge);
        if (left <= 0) {
            throw StripeError.invalid("charge_already_refunded", null,
                    "Charge " + chargeId + " has already been refunded.");
        }
        boolean disputed = disputes.values().stream()
                .anyMatch(d -> d.get("charge").asText().equals(chargeId)
                        && !inquiries.contains(d.get("id").asText())
                        && UNREFUNDABLE.contains(d.get("status").asText()));
        if (disputed) {
            throw StripeError.invalid("charge_disputed", null,
                    "Charge " + chargeId + " has been charged back; cannot issue a refund.");
        }
        if (requested != null && requested > left) {
            // Stripe answers this one without a code (amount_too_large is its code for over its maximum).
            String currency = charge.path("currency").asText("");
            throw StripeError.invalid(null, "amount", "Refund amount (" + money(requested, currency)
                    + ") is greater than unrefunded amount on charge (" + money(left, currency) + ")");
        }
        return requested != null ? requested : left;
    }

    private ObjectNode chargeOfIntent(String paymentIntent) {
        String chargeId = chargeByPaymentIntent.get(paymentIntent);
        if (chargeId == null) {
            throw StripeError.missing("payment_intent", "payment_intent", paymentIntent);
        }
        return charges.get(chargeId);
    }

    private ObjectNode chargeNamed(String chargeId) {
        ObjectNode charge = charges.get(chargeId);
        if (charge == null) {
            throw StripeError.missing("charge", "charge", chargeId);
        }
        return charge;
    }

    private static long positiveInteger(Map<String, String> params, String key) {
        String value = params.get(key);
        long number;
        try {
            number = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw StripeError.invalid("parameter_invalid_integer", key, "Invalid integer: " + value);
        }
        if (number < 1) {
            throw StripeError.invalid("parameter_invalid_integer", key, "Invalid positive integer");
        }
        return number;
    }

    /** An amount as Stripe's messages show it, e.g. {@code $19.99} (two-decimal currencies only). */
    private static String money(long cents, String currency) {
        String amount = BigDecimal.valueOf(cents, 2).toPlainString();
        return switch (currency) {
            case "usd" -> "$" + amount;
            case "eur" -> "€" + amount;
            case "gbp" -> "£" + amount;
            default -> amount + " " + currency.toUpperCase();
        };
    }

    /** {@code GET /v1/refunds}: newest first, filtered by {@code payment_intent} and {@code charge}. */
    private synchronized Answer listRefunds(Map<String, List<String>> query) {
        return ok(page(newestFirst(refunds), o -> o.get("id").asText(), o -> o,
                matches(query, "payment_intent").and(matches(query, "charge")), query, REFUNDS, "refund"));
    }

    /** The objects of {@code objects}, newest {@code created} first, the later made first within a second. */
    private static List<ObjectNode> newestFirst(Map<String, ObjectNode> objects) {
        List<ObjectNode> newestFirst = new ArrayList<>(objects.values());
        Collections.reverse(newestFirst);
        newestFirst.sort(Comparator.comparingLong((ObjectNode o) -> o.get("created").asLong()).reversed()); // stable
        return newestFirst;
    }

    /** Keeps objects whose {@code field} equals the query's {@code field}, or all when the query has none. */
    private static Predicate<ObjectNode> matches(Map<String, List<String>> query, String field) {
        String wanted = last(query, field);
        return object -> wanted == null || wanted.equals(object.path(field).asText(null));
    }

    /** {@code GET /v1/charges/{id}}, with its {@code refunds} list when asked by {@code expand[]=refunds}. */
    private synchronized Answer retrieveCharge(String id, Map<String, List<String>> query) {
        ObjectNode charge = charges.get(id);
        if (charge == null) {
            throw StripeError.missing("charge", "charge", id);
        }
        if (!expands(query, "refunds")) {
            return ok(charge);
        }
        ObjectNode expanded = charge.deepCopy();
        expanded.set("refunds", page(newestFirst(refunds), o -> o.get("id").asText(), o -> o,
                o -> o.get("charge").asText().equals(id), Map.of(), "/v1/charges/" + id + "/refunds", "refund"));
        return ok(expanded);
    }

    /**
     * Moves refund {@code refundId} to {@code status}: succeeded, failed or canceled (failed and
     * canceled are final; a succeeded one can still fail, not be canceled). Failed or canceled gives the amount back: the charge's
     * {@code amount_refunded} shrinks by it and {@code refunded} becomes false. Emits
     * {@code refund.updated}, {@code refund.failed} (failed only), then {@code charge.refund.updated}.
     */
    public synchronized List<String> setRefundStatus(String refundId, String status) {
        ObjectNode refund = found(refunds, refundId, "refund");
        String from = refund.get("status").asText();
        if (!Set.of("succeeded", "failed", "canceled").contains(status)) {
            throw new IllegalArgumentException("a refund moves to succeeded, failed or canceled: " + status);
        }
        if (from.equals("failed") || from.equals("canceled") || from.equals(status)) {
            throw new IllegalStateException("refund " + refundId + " is already " + from);
        }
        if (status.equals("canceled") && from.equals("succeeded")) {
            throw new IllegalStateException("refund " + refundId + " succeeded: it can fail, not be canceled");
        }
        refund.put("status", status);
        if (status.equals("succeeded")) {
            return List.of(emit("refund.updated", refund), emit("charge.refund.updated", refund));
        }
        ObjectNode charge = found(charges, refund.get("charge").asText(), "charge");
        charge.put("amount_refunded", charge.get("amount_refunded").asLong() - refund.get("amount").asLong())
                .put("refunded", false);
        if (status.equals("canceled")) {
            return List.of(emit("refund.updated", refund), emit("charge.refund.updated", refund));
        }
        refund.put("failure_balance_transaction", StripeEvents.randomId("txn_test_"))
                .put("failure_reason", "expired_or_canceled_card");
        return List.of(emit("refund.updated", refund), emit("refund.failed", refund),
                emit("charge.refund.updated", refund));
    }

    /** A copy of the current JSON of refund {@code id}. */
    public synchronized ObjectNode refundObject(String id) {
        return found(refunds, id, "refund").deepCopy();
    }

    // ---- disputes ----

    /**
     * Opens a dispute (reason fraudulent) for the whole of {@code paymentIntent}'s charge:
     * {@code warning_needs_response} for an inquiry (no funds move), else {@code needs_response}.
     * Emits {@code charge.dispute.created}, then for a non-inquiry {@code charge.dispute.funds_withdrawn},
     * then {@code radar.early_fraud_warning.updated} for each of the charge's warnings still actionable.
     * While a non-inquiry dispute is open or lost, {@code POST /v1/refunds} answers {@code charge_disputed}.
     */
    public synchronized Dispute openDispute(String paymentIntent, boolean inquiry) {
        ObjectNode charge = found(charges, chargeIdOf(paymentIntent), "charge");
        charge.put("disputed", true);
        String id = StripeEvents.randomId("dp_test_");
        long amount = charge.get("amount").asLong();
        String currency = charge.path("currency").asText(null);
        ObjectNode dispute = JSON.createObjectNode()
                .put("id", id)
                .put("object", "dispute")
                .put("amount", amount);
        dispute.putArray("balance_transactions");
        dispute.put("charge", charge.get("id").asText())
                .put("created", Instant.now().getEpochSecond())
                .put("currency", currency)
                .put("is_charge_refundable", inquiry) // an inquiry moves no funds and can still be refunded
                .put("livemode", false);
        dispute.putObject("metadata");
        dispute.put("payment_intent", paymentIntent)
                .put("reason", "fraudulent")
                .put("status", inquiry ? "warning_needs_response" : "needs_response");
        disputes.put(id, dispute);
        List<String> emitted = new ArrayList<>();
        emitted.add(emit("charge.dispute.created", dispute));
        if (inquiry) {
            inquiries.add(id);
        } else {
            addBalanceTransaction(dispute, -amount, "dispute");
            emitted.add(emit("charge.dispute.funds_withdrawn", dispute));
        }
        emitted.addAll(warningsNoLongerActionable(charge.get("id").asText()));
        return new Dispute(id, List.copyOf(emitted));
    }

    /**
     * Moves open dispute {@code disputeId} to another open status (needs_response, under_review; for
     * an inquiry warning_needs_response, warning_under_review). Emits {@code charge.dispute.updated}.
     */
    public synchronized List<String> updateDispute(String disputeId, String status) {
        ObjectNode dispute = stillOpen(disputeId);
        Set<String> open = inquiries.contains(disputeId) ? OPEN_INQUIRY : OPEN_DISPUTE;
        if (!open.contains(status)) {
            throw new IllegalArgumentException("dispute " + disputeId + " can move to " + open + ", not " + status);
        }
        dispute.put("status", status);
        return List.of(emit("charge.dispute.updated", dispute));
    }

    /**
     * Closes dispute {@code disputeId} as won, lost or prevented (an inquiry: warning_closed or
     * prevented); closed is final. Emits {@code charge.dispute.closed}, then for won
     * {@code charge.dispute.funds_reinstated}; both carry the closed dispute.
     */
    public synchronized List<String> closeDispute(String disputeId, String status) {
        ObjectNode dispute = stillOpen(disputeId);
        Set<String> closed = inquiries.contains(disputeId)
                ? Set.of("warning_closed", "prevented") : Set.of("won", "lost", "prevented");
        if (!closed.contains(status)) {
            throw new IllegalArgumentException("dispute " + disputeId + " closes as " + closed + ", not " + status);
        }
        dispute.put("status", status);
        if (!status.equals("won")) {
            return List.of(emit("charge.dispute.closed", dispute));
        }
        String closedEvent = emit("charge.dispute.closed", dispute);
        addBalanceTransaction(dispute, dispute.get("amount").asLong(), "dispute_reversal");
        return List.of(closedEvent, emit("charge.dispute.funds_reinstated", dispute));
    }

    /** A copy of the current JSON of dispute {@code id}. */
    public synchronized ObjectNode dispute(String id) {
        return found(disputes, id, "dispute").deepCopy();
    }

    /** {@code GET /v1/disputes}: newest first, filtered by {@code payment_intent} and {@code charge}. */
    private synchronized Answer listDisputes(Map<String, List<String>> query) {
        return ok(page(newestFirst(disputes), o -> o.get("id").asText(), o -> o,
                matches(query, "payment_intent").and(matches(query, "charge")), query, DISPUTES, "dispute"));
    }

    private ObjectNode stillOpen(String disputeId) {
        ObjectNode dispute = found(disputes, disputeId, "dispute");
        String status = dispute.get("status").asText();
        if (!OPEN_DISPUTE.contains(status) && !OPEN_INQUIRY.contains(status)) {
            throw new IllegalStateException("dispute " + disputeId + " is already closed: " + status);
        }
        return dispute;
    }

    private static void addBalanceTransaction(ObjectNode dispute, long amount, String category) {
        ((ArrayNode) dispute.get("balance_transactions")).addObject()
                .put("id", StripeEvents.randomId("txn_test_"))
                .put("object", "balance_transaction")
                .put("amount", amount)
                .put("created", Instant.now().getEpochSecond())
                .put("currency", dispute.path("currency").asText(null))
                .put("reporting_category", category)
                .put("type", "adjustment");
    }

    private static ObjectNode found(Map<String, ObjectNode> objects, String id, String kind) {
        ObjectNode object = objects.get(id);
        if (object == null) {
            throw new IllegalArgumentException("no such " + kind + ": " + id);
        }
        return object;
    }

    // ---- early fraud warnings ----

    /**
     * Makes a Radar early fraud warning ({@code issfr_test_…}) on {@code paymentIntent}'s charge, of
     * {@code fraudType} (card_never_received, fraudulent_card_application, made_with_counterfeit_card,
     * made_with_lost_card, made_with_stolen_card, misc, unauthorized_use_of_card). Emits
     * {@code radar.early_fraud_warning.created}. Stripe makes none actionable for a charge already
     * disputed or fully refunded; once the charge is either, the warning's {@code actionable} turns
     * false and {@code radar.early_fraud_warning.updated} is emitted (returned by {@link #refund},
     * {@code POST /v1/refunds} and {@link #openDispute}).
     */
    public synchronized EarlyFraudWarning earlyFraudWarning(String paymentIntent, String fraudType, boolean actionable) {
        if (!FRAUD_TYPES.contains(fraudType)) {
            throw new IllegalArgumentException("not a fraud_type: " + fraudType);
        }
        ObjectNode charge = found(charges, chargeIdOf(paymentIntent), "charge");
        if (actionable && !isActionable(charge)) {
            throw new IllegalStateException("charge " + charge.get("id").asText()
                    + " is disputed or fully refunded: its warnings are not actionable");
        }
        String id = StripeEvents.randomId("issfr_test_");
        ObjectNode warning = JSON.createObjectNode()
                .put("id", id)
                .put("object", "radar.early_fraud_warning")
                .put("actionable", actionable)
                .put("charge", charge.get("id").asText())
                .put("created", Instant.now().getEpochSecond())
                .put("fraud_type", fraudType)
                .put("livemode", false)
                .put("payment_intent", paymentIntent);
        warnings.put(id, warning);
        return new EarlyFraudWarning(id, List.of(emit("radar.early_fraud_warning.created", warning)));
    }

    /** A copy of the current JSON of early fraud warning {@code id}. */
    public synchronized ObjectNode earlyFraudWarningObject(String id) {
        return found(warnings, id, "early fraud warning").deepCopy();
    }

    private static boolean isActionable(ObjectNode charge) {
        return !charge.get("refunded").asBoolean() && !charge.get("disputed").asBoolean();
    }

    /**
     * Turns the still-actionable warnings of charge {@code chargeId} unactionable, emitting
     * {@code radar.early_fraud_warning.updated} for each; a later failed refund does not turn them back.
     */
    private List<String> warningsNoLongerActionable(String chargeId) {
        List<String> emitted = new ArrayList<>();
        for (ObjectNode warning : warnings.values()) {
            if (warning.get("charge").asText().equals(chargeId) && warning.get("actionable").asBoolean()) {
                warning.put("actionable", false);
                emitted.add(emit("radar.early_fraud_warning.updated", warning));
            }
        }
        return emitted;
    }

    /** {@code GET /v1/radar/early_fraud_warnings}: newest first, filtered by {@code payment_intent} and {@code charge}. */
    private synchronized Answer listWarnings(Map<String, List<String>> query) {
        return ok(page(newestFirst(warnings), o -> o.get("id").asText(), o -> o,
                matches(query, "payment_intent").and(matches(query, "charge")), query, WARNINGS,
                "radar.early_fraud_warning"));
    }

    /** Expires session {@code id}. */
    public void markExpired(String id) {
        update(id, session -> session.put("status", "expired"));
    }

    /** Completes session {@code id} still unpaid, as an async payment method (e.g. a bank debit) does. */
    public void markUnpaidComplete(String id) {
        update(id, session -> session.put("status", "complete").put("payment_status", "unpaid"));
    }

    /** The ids of the sessions expired through {@code POST /v1/checkout/sessions/{id}/expire}, in order. */
    public synchronized List<String> expiredByApi() {
        return List.copyOf(expiredByApi);
    }

    /** How many times session {@code id} was retrieved (answered 404 included). */
    public synchronized int retrieveCount(String id) {
        return retrievals.getOrDefault(id, 0);
    }

    /** Answers every create with a Stripe error of {@code httpStatus} until called with 0. */
    public void failCreatesWith(int httpStatus) {
        checkErrorStatus(httpStatus);
        failCreatesWith = httpStatus;
    }

    private static void checkErrorStatus(int httpStatus) {
        if (httpStatus != 0 && (httpStatus < 400 || httpStatus > 599)) {
            throw new IllegalArgumentException("not an error status: " + httpStatus);
        }
    }

    private static StripeError simulatedFailure(int status) {
        return new StripeError(status, status >= 500 ? "api_error" : "invalid_request_error",
                status == 429 ? "rate_limit" : null, null, "Simulated failure (HTTP " + status + ").");
    }

    /** Waits {@code d} before sending each answer (state changes happen first); {@link Duration#ZERO} resets. */
    public void delayResponses(Duration d) {
        delayedAnswersLeft.set(-1);
        delay = d;
    }

    /**
     * Waits {@code d} before sending each of the next {@code count} answers only (state changes
     * happen first); the answers after them go out at once. No timing is left to the test.
     */
    public void delayNextResponses(int count, Duration d) {
        delay = d;
        delayedAnswersLeft.set(count);
    }

    /**
     * While {@code drop} holds, reads each request and then closes its connection without a
     * byte of answer (no status line), as a crashed proxy or a reset connection does: the client
     * sees an {@link IOException}. Nothing is created. {@code false} answers normally again.
     */
    public void dropConnections(boolean drop) {
        dropConnections = drop;
    }

    /** How many requests were answered by closing the connection (see {@link #dropConnections}). */
    public int droppedConnections() {
        return dropped.get();
    }

    private synchronized void update(String id, Consumer<ObjectNode> change) {
        ObjectNode session = existing(id);
        change.accept(session);
        session.putNull("url"); // Stripe drops the url once a session is no longer open
    }

    private ObjectNode existing(String id) {
        ObjectNode session = sessions.get(id);
        if (session == null) {
            throw new IllegalArgumentException("no such session: " + id);
        }
        return session;
    }

    // ---- HTTP ----

    private void handle(HttpExchange exchange) throws IOException {
        FakeCheckoutPage page = checkoutPage;
        if (page != null && exchange.getRequestURI().getPath().startsWith(FakeCheckoutPage.PATH)) {
            page.handle(exchange);
            return;
        }
        if (dropConnections) {
            exchange.getRequestBody().readAllBytes();
            dropped.incrementAndGet();
            // Closed before sendResponseHeaders: the JDK server closes the socket, answering nothing.
            exchange.close();
            return;
        }
        try (exchange) {
            Answer answer;
            try {
                answer = route(exchange);
            } catch (StripeError e) {
                answer = error(e);
            } catch (RuntimeException e) {
                answer = error(new StripeError(500, "api_error", null, null, "fake Stripe failed: " + e));
            }
            Thread.sleep(delayOfThisAnswer().toMillis());
            byte[] body = answer.body().getBytes(UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Request-Id", StripeEvents.randomId("req_"));
            if (answer.replayed()) {
                exchange.getResponseHeaders().set("Idempotent-Replayed", "true");
            }
            exchange.sendResponseHeaders(answer.status(), body.length);
            exchange.getResponseBody().write(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing: drop the answer
        }
    }

    private Duration delayOfThisAnswer() {
        int left = delayedAnswersLeft.getAndUpdate(n -> n > 0 ? n - 1 : n);
        return left == 0 ? Duration.ZERO : delay;
    }

    private Answer route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer sk_test_")) {
            throw new StripeError(401, "invalid_request_error", null, null,
                    "Invalid API Key provided. A test key starting with sk_test_ is required.");
        }
        String idempotencyKey = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        Map<String, List<String>> query = formAll(exchange.getRequestURI().getRawQuery());
        if (path.equals(SESSIONS) && method.equals("POST")) {
            return create(form(body), idempotencyKey);
        }
        if (path.equals(REFUNDS) && method.equals("POST")) {
            return createRefund(form(body), idempotencyKey);
        }
        if (path.startsWith(SESSIONS + "/") && path.endsWith("/expire") && method.equals("POST")) {
            return expire(path.substring(SESSIONS.length() + 1, path.length() - "/expire".length()));
        }
        if (method.equals("GET")) {
            switch (path) {
                case SESSIONS -> {
                    return list(query);
                }
                case EVENTS -> {
                    return listEvents(query);
                }
                case REFUNDS -> {
                    return listRefunds(query);
                }
                case DISPUTES -> {
                    return listDisputes(query);
                }
                case WARNINGS -> {
                    return listWarnings(query);
                }
                default -> { }
            }
            String id = path.substring(path.lastIndexOf('/') + 1);
            switch (path.substring(0, path.lastIndexOf('/') + 1)) {
                case SESSIONS + "/" -> {
                    return retrieve(id);
                }
                case EVENTS + "/" -> {
                    return retrieveEvent(id);
                }
                case "/v1/prices/" -> {
                    return retrievePrice(id);
                }
                case "/v1/payment_intents/" -> {
                    return retrieveObject(paymentIntents, id, "payment_intent", "intent");
                }
                case "/v1/charges/" -> {
                    return retrieveCharge(id, query);
                }
                case REFUNDS + "/" -> {
                    return retrieveObject(refunds, id, "refund", "refund");
                }
                case DISPUTES + "/" -> {
                    return retrieveObject(disputes, id, "dispute", "dispute");
                }
                case WARNINGS + "/" -> {
                    return retrieveObject(warnings, id, "radar.early_fraud_warning", "early_fraud_warning");
                }
                default -> { }
            }
        }
        throw new StripeError(404, "invalid_request_error", null, null,
                "Unrecognized request URL (" + method + ": " + path + ").");
    }

    private synchronized Answer create(Map<String, String> params, String idempotencyKey) {
        Answer replay = replays.replay(idempotencyKey, SESSIONS, params);
        if (replay != null) {
            return replay;
        }
        createRequests.add(Collections.unmodifiableMap(new LinkedHashMap<>(params)));
        int failure = failCreatesWith;
        if (failure != 0) {
            throw simulatedFailure(failure);
        }
        ObjectNode session = newSession(params);
        sessions.put(session.get("id").asText(), session);
        paymentIntentMetadata.put(session.get("id").asText(), bracketed(params, "payment_intent_data[metadata]"));
        Answer answer = ok(session);
        // Only a request that succeeded is replayed; a failed one may be retried with its key.
        replays.remember(idempotencyKey, SESSIONS, params, answer);
        return answer;
    }

    private synchronized Answer retrieve(String id) {
        retrievals.merge(id, 1, Integer::sum);
        ObjectNode session = sessions.get(id);
        if (session == null) {
            throw StripeError.missing("checkout.session", "session", id);
        }
        return ok(session);
    }

    private synchronized Answer expire(String id) {
        ObjectNode session = sessions.get(id);
        if (session == null) {
            throw StripeError.missing("checkout.session", "session", id);
        }
        String status = session.path("status").asText();
        if (!status.equals("open")) {
            throw StripeError.invalid(null, null, "Only Checkout Sessions with a status in [\"open\"] can be"
                    + " expired. This Checkout Session has a status of `" + status + "`.");
        }
        update(id, open -> open.put("status", "expired"));
        expiredByApi.add(id);
        emit("checkout.session.expired", session);
        return ok(session);
    }

    private synchronized Answer retrievePrice(String id) {
        priceRetrievals.merge(id, 1, Integer::sum);
        Price price = prices.get(id);
        if (price == null) {
            throw StripeError.missing("price", "price", id);
        }
        return ok(JSON.createObjectNode()
                .put("id", id)
                .put("object", "price")
                .put("active", true)
                .put("created", price.created())
                .put("currency", price.currency().toLowerCase())
                .put("livemode", false)
                .put("product", price.product())
                .put("type", "one_time")
                .put("unit_amount", price.unitAmount()));
    }

    private synchronized Answer retrieveObject(Map<String, ObjectNode> objects, String id, String kind, String param) {
        ObjectNode object = objects.get(id);
        if (object == null) {
            throw StripeError.missing(kind, param, id);
        }
        return ok(object);
    }

    private synchronized Answer retrieveEvent(String id) {
        return events.stream().filter(event -> event.id().equals(id)).findFirst()
                .map(event -> new Answer(200, event.json()))
                .orElseThrow(() -> StripeError.missing("event", "id", id));
    }

    /**
     * Newest first (by {@code created}, then by emission), with Stripe's {@code limit},
     * {@code starting_after}, {@code ending_before}, {@code created} / {@code created[gt|gte|lt|lte]},
     * {@code type} (exact, or with {@code *} wildcards) and {@code types} (as {@code types[0]},
     * {@code types[1]}, … or repeated {@code types[]}).
     */
    private synchronized Answer listEvents(Map<String, List<String>> query) {
        Predicate<LoggedEvent> keep = event -> true;
        for (String bound : List.of("", "[gt]", "[gte]", "[lt]", "[lte]")) {
            String value = last(query, "created" + bound);
            if (value != null) {
                long at = Long.parseLong(value);
                Predicate<Long> test = switch (bound) {
                    case "[gt]" -> created -> created > at;
                    case "[gte]" -> created -> created >= at;
                    case "[lt]" -> created -> created < at;
                    case "[lte]" -> created -> created <= at;
                    default -> created -> created == at;
                };
                keep = keep.and(event -> test.test(event.created()));
            }
        }
        String type = last(query, "type");
        if (type != null) {
            Pattern pattern = Pattern.compile(Pattern.quote(type).replace("*", "\\E.*\\Q"));
            keep = keep.and(event -> pattern.matcher(event.type()).matches());
        }
        Set<String> types = new HashSet<>();
        query.forEach((key, values) -> {
            if (TYPES_KEY.matcher(key).matches()) {
                types.addAll(values);
            }
        });
        if (!types.isEmpty()) {
            keep = keep.and(event -> types.contains(event.type()));
        }
        List<LoggedEvent> newestFirst = new ArrayList<>(events);
        Collections.reverse(newestFirst);
        newestFirst.sort(Comparator.comparingLong(LoggedEvent::created).reversed()); // stable
        return ok(page(newestFirst, LoggedEvent::id, event -> parse(event.json()), keep, query, EVENTS, "event"));
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event the fake built is not JSON", e);
        }
    }

    /** Newest first, with Stripe's {@code limit}, {@code starting_after}, {@code ending_before} and {@code created[gte]}. */
    private synchronized Answer list(Map<String, List<String>> query) {
        String gte = last(query, "created[gte]");
        long createdGte = gte == null ? 0 : Long.parseLong(gte);
        List<ObjectNode> newestFirst = new ArrayList<>(sessions.values());
        Collections.reverse(newestFirst);
        return ok(page(newestFirst, session -> session.get("id").asText(), session -> session,
                session -> session.path("created").asLong() >= createdGte, query, SESSIONS, "checkout.session"));
    }

    private ObjectNode newSession(Map<String, String> params) {
        String mode = required(params, "mode");
        long total = 0;
        String currency = null;
        int items = 0;
        for (; hasLineItem(params, items); items++) {
            String item = "line_items[" + items + "]";
            Price price = price(params, item);
            total += price.unitAmount() * Long.parseLong(params.getOrDefault(item + "[quantity]", "1"));
            currency = price.currency().toLowerCase();
        }
        if (items == 0) {
            throw StripeError.invalid("parameter_missing", "line_items", "Missing required param: line_items.");
        }
        String id = StripeEvents.randomId("cs_test_");
        long now = Instant.now().getEpochSecond();
        ObjectNode session = JSON.createObjectNode()
                .put("id", id)
                .put("object", "checkout.session")
                .put("amount_subtotal", total)
                .put("amount_total", total)
                .put("cancel_url", params.get("cancel_url"))
                .put("client_reference_id", params.get("client_reference_id"))
                .put("created", now)
                .put("currency", currency)
                .put("expires_at", now + 24 * 3600)
                .put("livemode", false);
        ObjectNode metadata = session.putObject("metadata");
        params.forEach((key, value) -> {
            if (key.startsWith("metadata[") && key.endsWith("]")) {
                metadata.put(key.substring("metadata[".length(), key.length() - 1), value);
            }
        });
        return session.put("mode", mode)
                .putNull("payment_intent")
                .put("payment_status", "unpaid")
                .put("status", "open")
                .put("success_url", params.get("success_url"))
                .put("url", checkoutPage == null
                        ? "https://checkout.stripe.com/c/pay/" + id
                        : apiBase() + FakeCheckoutPage.PATH + id);
    }

    private static boolean hasLineItem(Map<String, String> params, int index) {
        String prefix = "line_items[" + index + "]";
        return params.keySet().stream().anyMatch(key -> key.startsWith(prefix));
    }

    private Price price(Map<String, String> params, String item) {
        String priceId = params.get(item + "[price]");
        if (priceId == null) {
            return new Price(
                    Long.parseLong(required(params, item + "[price_data][unit_amount]")),
                    required(params, item + "[price_data][currency]"));
        }
        Price price = prices.get(priceId);
        if (price == null) {
            throw StripeError.invalid("resource_missing", item + "[price]", "No such price: '" + priceId + "'");
        }
        return price;
    }

    private static String required(Map<String, String> params, String key) {
        String value = params.get(key);
        if (value == null || value.isEmpty()) {
            throw StripeError.invalid("parameter_missing", key, "Missing required param: " + key + ".");
        }
        return value;
    }
}
