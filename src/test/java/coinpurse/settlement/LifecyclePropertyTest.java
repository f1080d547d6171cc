package coinpurse.settlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.CliRun;
import coinpurse.support.FakeStripe;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The model-based property of the money lifecycle: for a generated Stripe history of one purchase
 * (paid; refunds, some failing or canceled and followed by new ones, some of which send only
 * {@code charge.refunded} (an endpoint not subscribed to {@code refund.*}); disputes, each closing
 * its own way, and new disputes after closed ones), the events the fake Stripe emitted are
 * delivered to the real server over HTTP, some while the history unfolds (so the server reads
 * Stripe's state half-way), the rest afterwards, in a random order, some twice, some never,
 * interleaved with status polls and a {@code reconcile} run (which replays what was never
 * delivered). Whatever the order, the user's balance, ledger and status route must equal what a
 * small model computes from Stripe's final state alone.
 */
@Tag("slow")
class LifecyclePropertyTest {
    private static final long COINS = 550;
    private static final long PRICE = 1999;
    private static final List<String> CLOSED = List.of("won", "lost", "warning_closed", "prevented");

    // jqwik runs this class, and JUnit extensions such as @RunningServer do not reach jqwik.
    private static TestServer server;
    private static FakeStripe stripe;
    private static int tries;

    @BeforeContainer
    static void start() {
        server = TestServer.startInTempDir(Map.of("RATELIMIT_CHECKOUT_PER_MINUTE", "100000"));
        stripe = server.stripe();
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    // ---- what happens at Stripe ----

    sealed interface Step permits Refund, SettleRefund, OpenDispute, CloseDispute {}

    /**
     * A refund of {@code percent} of what is still refundable, created pending or already succeeded;
     * without {@code ownEvents} only its {@code charge.refunded} reaches the server (and Stripe's
     * Events API lists nothing else of it), and its status never changes afterwards (nothing would tell).
     */
    record Refund(int percent, boolean succeeded, boolean ownEvents) implements Step {}

    /** Refund number {@code which} (modulo how many have their own events) becomes succeeded, failed or canceled. */
    record SettleRefund(int which, String status) implements Step {}

    record OpenDispute(boolean inquiry) implements Step {}

    /** The open dispute closes: {@code favourable} is won (or warning_closed, prevented), else lost. */
    record CloseDispute(boolean favourable, boolean prevented) implements Step {}

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Step> refund = Arbitraries.integers().between(1, 100)
                .flatMap(percent -> Arbitraries.of(true, false)
                        .flatMap(ok -> Arbitraries.of(true, false).map(own -> new Refund(percent, ok, own))));
        Arbitrary<Step> settle = Arbitraries.integers().between(0, 3)
                .flatMap(which -> Arbitraries.of("succeeded", "failed", "failed", "canceled")
                        .map(status -> new SettleRefund(which, status)));
        Arbitrary<Step> open = Arbitraries.of(true, false).map(OpenDispute::new);
        Arbitrary<Step> close = Arbitraries.of(true, false)
                .flatMap(favourable -> Arbitraries.of(true, false).map(p -> new CloseDispute(favourable, p)));
        return Arbitraries.frequencyOf(
                        Tuple.of(4, refund), Tuple.of(3, settle),
                        Tuple.of(2, open), Tuple.of(2, close))
                .list().ofMaxSize(10);
    }

    @Property(tries = 80)
    void anyDeliveryOfAnyHistoryEndsWhereStripesFinalStateSays(
            @ForAll("histories") List<Step> history, @ForAll long deliverySeed) {
        Random random = new Random(deliverySeed);
        String user = "property-" + (++tries);
        String token = server.token(user);
        String sessionId = server.checkout(token, "popular");
        List<String> events = new ArrayList<>(stripe.completeCheckout(sessionId));
        String paymentIntent = stripe.paymentIntentOf(sessionId);
        deliverSomeNow(events, random);
        List<String> disputes = happenAtStripe(history, paymentIntent, events, random);

        deliverInSomeOrder(events, sessionId, token, random);

        Expected expected = model(paymentIntent, disputes);
        JsonNode status = TestServer.json(server.get("/api/payment/status/" + sessionId, token));
        String context = "history " + history + "; events " + types(events);
        assertEquals(expected.balance(), server.storedBalance(user), context);
        assertEquals(expected.balance(), server.ledgerSum(user), context);
        assertEquals(1, server.purchaseRows(sessionId), context);
        assertEquals(expected.status(), status.get("status").asText(), context);
        if (expected.status().equals("completed")) {
            assertEquals(COINS, status.get("coins_added").asLong(), context);
            assertEquals(expected.balance(), status.get("new_balance").asLong(), context);
        } else {
            assertTrue(status.get("coins_added").isNull(), context);
        }
    }

    /**
     * Acts the history out at the fake Stripe, collecting every event it emits into {@code events}
     * (the ones not delivered yet), and after each step delivering some of them at once; impossible
     * steps are skipped. Returns the ids of the disputes it opened.
     */
    private static List<String> happenAtStripe(List<Step> history, String paymentIntent, List<String> events,
            Random random) {
        List<String> refunds = new ArrayList<>();
        List<String> disputes = new ArrayList<>();
        String openDispute = null;
        boolean openIsInquiry = false;
        for (Step step : history) {
            if (step instanceof Refund r) {
                long remaining = PRICE - refundedNow(paymentIntent);
                if (remaining > 0) {
                    long amount = Math.max(1, remaining * r.percent() / 100);
                    FakeStripe.Refund made = stripe.refund(paymentIntent, amount, r.succeeded() ? "succeeded" : "pending");
                    if (r.ownEvents()) {
                        refunds.add(made.id());
                        events.addAll(made.events());
                    } else {
                        List<String> own = made.events().stream().filter(e -> type(e).startsWith("refund.")).toList();
                        stripe.unlist(own);
                        events.addAll(made.events().stream().filter(e -> !own.contains(e)).toList());
                    }
                }
            } else if (step instanceof SettleRefund s && !refunds.isEmpty()) {
                String id = refunds.get(s.which() % refunds.size());
                String now = stripe.refundObject(id).get("status").asText();
                boolean allowed = now.equals("pending") || (now.equals("succeeded") && s.status().equals("failed"));
                if (allowed) {
                    events.addAll(stripe.setRefundStatus(id, s.status()));
                }
            } else if (step instanceof OpenDispute o && openDispute == null) {
                FakeStripe.Dispute made = stripe.openDispute(paymentIntent, o.inquiry());
                openDispute = made.id();
                openIsInquiry = o.inquiry();
                disputes.add(made.id());
                events.addAll(made.events());
            } else if (step instanceof CloseDispute c && openDispute != null) {
                String outcome = c.prevented() ? "prevented"
                        : openIsInquiry ? "warning_closed"
                        : c.favourable() ? "won" : "lost";
                events.addAll(stripe.closeDispute(openDispute, outcome));
                openDispute = null;
            }
            deliverSomeNow(events, random);
        }
        return disputes;
    }

    /**
     * Half the time, delivers some of the events not delivered yet, in a random order, while Stripe's
     * state is still moving; some stay to be delivered again later.
     */
    private static void deliverSomeNow(List<String> events, Random random) {
        if (random.nextBoolean()) {
            return;
        }
        List<String> now = new ArrayList<>();
        for (String event : List.copyOf(events)) {
            if (random.nextBoolean()) {
                now.add(event);
                if (random.nextInt(4) != 0) {
                    events.remove(event);
                }
            }
        }
        Collections.shuffle(now, random);
        for (String event : now) {
            HttpResponse<String> answer = server.deliver(event);
            assertEquals(200, answer.statusCode(), answer.body());
        }
    }

    /**
     * Every event once, some twice, about one in ten never (then {@code reconcile}, run at a random
     * moment, replays them), all shuffled, with a few status polls in between.
     */
    private static void deliverInSomeOrder(List<String> events, String sessionId, String token, Random random) {
        List<Runnable> plan = new ArrayList<>();
        boolean anyMissed = false;
        for (String event : events) {
            int copies = random.nextInt(10) == 0 ? 0 : random.nextInt(4) == 0 ? 2 : 1;
            anyMissed |= copies == 0;
            for (int i = 0; i < copies; i++) {
                plan.add(() -> {
                    HttpResponse<String> answer = server.deliver(event);
                    assertEquals(200, answer.statusCode(), answer.body());
                });
            }
        }
        Collections.shuffle(plan, random);
        for (int polls = random.nextInt(3); polls > 0; polls--) {
            plan.add(random.nextInt(plan.size() + 1), () -> {
                HttpResponse<String> answer = server.get("/api/payment/status/" + sessionId, token);
                assertEquals(200, answer.statusCode(), answer.body());
            });
        }
        if (anyMissed || random.nextInt(4) == 0) {
            plan.add(random.nextInt(plan.size() + 1), LifecyclePropertyTest::reconcile);
        }
        plan.forEach(Runnable::run);
    }

    // ---- the model ----

    record Expected(long balance, String status) {}

    /**
     * From Stripe's final state only: the refunds that stand (not failed, not canceled), and
     * whether a dispute holds the coins (open, or lost).
     */
    private static Expected model(String paymentIntent, List<String> disputes) {
        long refunded = refundedNow(paymentIntent);
        List<String> disputeStatuses = disputes.stream().map(id -> stripe.dispute(id).get("status").asText()).toList();
        boolean held = disputeStatuses.stream().anyMatch(s -> s.equals("lost") || !CLOSED.contains(s));
        boolean lost = disputeStatuses.contains("lost");
        long reversed = held || refunded >= PRICE ? COINS : COINS * refunded / PRICE;
        return new Expected(COINS - reversed, refunded >= PRICE || lost ? "refunded" : "completed");
    }

    private static long refundedNow(String paymentIntent) {
        return stripe.charge(stripe.chargeIdOf(paymentIntent)).get("amount_refunded").asLong();
    }

    private static List<String> types(List<String> events) {
        return events.stream().map(LifecyclePropertyTest::type).toList();
    }

    private static String type(String event) {
        return TestServer.parse(event).get("type").asText();
    }

    private static void reconcile() {
        Path config = server.writeCliConfig(server.dir().resolve("reconcile.properties"));
        CliRun run = CliRun.run("reconcile", "--config", config.toString());
        assertEquals(0, run.exit(), run.err());
    }
}
