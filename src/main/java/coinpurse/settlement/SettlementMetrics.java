package coinpurse.settlement;

import coinpurse.settlement.FulfilmentResult.Moved;
import coinpurse.settlement.FulfilmentResult.Outcome;
import coinpurse.wallet.Reasons;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Counts what settlement did: webhook events by type and outcome, purchases and the coins they
 * credited, and the coins that refunds and disputes took back or gave back. Callers count a result
 * only once {@code Database.inTransaction} has returned it, that is once it is committed: work
 * that was rolled back, or retried on PostgreSQL, is never counted, nor a dry run.
 */
public final class SettlementMetrics {
    /** The {@code type} of an event whose signature or JSON was refused: its claimed type is not to be trusted. */
    static final String UNVERIFIED = "unverified";
    static final String OTHER_TYPE = "other";
    /** Outcomes of a webhook beyond {@link Outcome}'s: its transaction failed, or it was refused before reading it. */
    static final String NOT_COMMITTED = "not_committed";
    static final String INVALID_SIGNATURE = "invalid_signature";
    static final String INVALID_PAYLOAD = "invalid_payload";
    private static final String[] EXTRA_OUTCOMES = {NOT_COMMITTED, INVALID_SIGNATURE, INVALID_PAYLOAD};

    private final MeterRegistry registry;
    private final Counter purchases;
    private final Counter coinsCredited;
    private final Counter takenBackByRefund;
    private final Counter takenBackByDispute;
    private final Counter givenBackByRefund;
    private final Counter givenBackByDispute;
    /** The event types counted by name (Stripe's handled ones, then "other" and "unverified"), each with its row. */
    private final Map<String, Integer> typeRows = new HashMap<>();
    private final String[] types;
    private final String[] outcomes;
    /** Built on first use, so that only the type and outcome pairs that happen appear. */
    private final AtomicReferenceArray<Counter> events;

    public SettlementMetrics(MeterRegistry registry) {
        this.registry = registry;
        purchases = Counter.builder("coinpurse.purchases")
                .description("Purchases fulfilled: coins credited for a paid Checkout Session").register(registry);
        coinsCredited = Counter.builder("coinpurse.coins.credited")
                .description("Coins credited by purchases").register(registry);
        takenBackByRefund = takenBack(Reasons.REFUND);
        takenBackByDispute = takenBack(Reasons.DISPUTE);
        givenBackByRefund = givenBack(Reasons.REFUND_REVERSED);
        givenBackByDispute = givenBack(Reasons.DISPUTE_WON);
        types = new String[StripeEventHandler.HANDLED_TYPES.size() + 2];
        for (int i = 0; i < StripeEventHandler.HANDLED_TYPES.size(); i++) {
            types[i] = StripeEventHandler.HANDLED_TYPES.get(i);
        }
        types[types.length - 2] = OTHER_TYPE;
        types[types.length - 1] = UNVERIFIED;
        for (int i = 0; i < types.length; i++) {
            typeRows.put(types[i], i);
        }
        Outcome[] known = Outcome.values();
        outcomes = new String[known.length + EXTRA_OUTCOMES.length];
        for (Outcome outcome : known) {
            outcomes[outcome.ordinal()] = FulfilmentResult.of(outcome, "").label();
        }
        System.arraycopy(EXTRA_OUTCOMES, 0, outcomes, known.length, EXTRA_OUTCOMES.length);
        events = new AtomicReferenceArray<>(types.length * outcomes.length);
    }

    private Counter takenBack(String reason) {
        return Counter.builder("coinpurse.coins.taken.back").tag("reason", reason)
                .description("Coins taken back from users by refunds and disputes").register(registry);
    }

    private Counter givenBack(String reason) {
        return Counter.builder("coinpurse.coins.given.back").tag("reason", reason)
                .description("Coins given back after a refund failed or a dispute was won").register(registry);
    }

    /** A verified webhook event whose transaction committed (or found it handled before). */
    public void webhookEvent(String type, Outcome outcome) {
        countEvent(type, outcome.ordinal());
    }

    /** A verified webhook event whose transaction failed: Stripe delivers it again. */
    void webhookNotCommitted(String type) {
        countEvent(type, slotOf(NOT_COMMITTED));
    }

    /** A webhook call refused before its event was read: {@link #INVALID_SIGNATURE} or {@link #INVALID_PAYLOAD}. */
    void webhookRefused(String why) {
        countEvent(UNVERIFIED, slotOf(why));
    }

    private int slotOf(String outcome) {
        for (int i = Outcome.values().length; i < outcomes.length; i++) {
            if (outcomes[i].equals(outcome)) {
                return i;
            }
        }
        throw new IllegalArgumentException("not a webhook outcome: " + outcome);
    }

    private void countEvent(String type, int outcome) {
        Integer row = typeRows.get(type);
        int slot = (row != null ? row : typeRows.get(OTHER_TYPE)) * outcomes.length + outcome;
        Counter counter = events.get(slot);
        if (counter == null) {
            // Two threads may both build it: the registry hands both the same counter.
            counter = Counter.builder("coinpurse.webhook.events")
                    .description("Webhook events received, by event type and what handling them did")
                    .tag("type", types[slot / outcomes.length])
                    .tag("outcome", outcomes[outcome])
                    .register(registry);
            events.set(slot, counter);
        }
        counter.increment();
    }

    /** Counts the coins a committed result moved. */
    public void committed(FulfilmentResult result) {
        Moved moved = result.moved();
        if (moved.credited() > 0) {
            purchases.increment();
            coinsCredited.increment(moved.credited());
        }
        if (moved.reversalDelta() == 0) {
            return;
        }
        switch (moved.reversalReason()) {
            case Reasons.REFUND -> takenBackByRefund.increment(-moved.reversalDelta());
            case Reasons.DISPUTE -> takenBackByDispute.increment(-moved.reversalDelta());
            case Reasons.REFUND_REVERSED -> givenBackByRefund.increment(moved.reversalDelta());
            case Reasons.DISPUTE_WON -> givenBackByDispute.increment(moved.reversalDelta());
            default -> { } // every reason a ledger row of Reversals can have is above
        }
    }
}
