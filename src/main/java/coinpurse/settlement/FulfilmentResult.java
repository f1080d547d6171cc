package coinpurse.settlement;

/**
 * What one attempt to act on a Checkout Session, or on a refund or dispute of its purchase,
 * did, as kept with the processed event, and the coins its ledger rows moved (counted as metrics
 * once the transaction that carries them commits).
 */
public record FulfilmentResult(Outcome outcome, String detail, Moved moved) {

    public enum Outcome {
        /** Coins were added to the balance now. */
        CREDITED,
        /** An earlier delivery or the status route already did it. */
        ALREADY_DONE,
        /**
         * The session's state changed (failed, expired, recorded while unpaid), or a refund or
         * dispute took coins back or gave them back (the detail says which and how many).
         */
        UPDATED,
        /**
         * A refund or dispute of a payment with no fulfilled purchase here (yet): kept, and
         * applied if its purchase is fulfilled later.
         */
        KEPT,
        /** Nothing to do for this event. */
        IGNORED,
        /** The event contradicts what we recorded; nothing was changed. */
        REJECTED
    }

    /**
     * The coins moved: {@code credited} by a purchase (0 when none), and {@code reversalDelta}
     * by one refund or dispute row whose ledger reason is {@code reversalReason} (negative when
     * taken back; 0 and null when none).
     */
    public record Moved(long credited, String reversalReason, long reversalDelta) {
        public static final Moved NOTHING = new Moved(0, null, 0);
    }

    /** A result whose transaction moved no coins. */
    public static FulfilmentResult of(Outcome outcome, String detail) {
        return new FulfilmentResult(outcome, detail, Moved.NOTHING);
    }

    public String label() {
        return outcome.name().toLowerCase(java.util.Locale.ROOT);
    }
}
