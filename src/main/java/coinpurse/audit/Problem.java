package coinpurse.audit;

import java.util.Locale;

/**
 * One thing in the database that contradicts another: what kind of problem, whose (null when it is
 * the whole database's), and what exactly.
 */
public record Problem(Kind kind, String userId, String detail) {

    /** Each kind is a stable word in {@code verify --json}. */
    public enum Kind {
        /** A user's balance is not the sum of their ledger rows. */
        BALANCE_MISMATCH,
        /** A ledger row's balance_after is not the previous row's plus its delta (the first starts from 0). */
        BROKEN_CHAIN,
        /** A ledger row whose reason nothing in coinpurse writes. */
        UNKNOWN_REASON,
        /** A completed or refunded session without its purchase row in the ledger. */
        MISSING_PURCHASE,
        /** A session credited more than once. */
        DUPLICATE_PURCHASE,
        /** A purchase row whose user or coins differ from its session's. */
        PURCHASE_MISMATCH,
        /** A purchase row for a session that is not paid here, or not recorded at all. */
        PURCHASE_WITHOUT_PAID_SESSION,
        /** What a purchase shows as taken back differs from its reversal rows or from Stripe's records. */
        REVERSAL_MISMATCH,
        /** Refund or dispute rows for a session that was never fulfilled, or not recorded at all. */
        REVERSAL_WITHOUT_PURCHASE,
        /** A spend or grant in the ledger without the idempotency record that answers its key again. */
        MISSING_IDEMPOTENCY_RECORD,
        /** An idempotency record that does not describe its ledger row. */
        IDEMPOTENCY_RECORD_MISMATCH,
        /** A purchase's money figures that break the report's identities (refunded, liability, unspent coins, sums). */
        MONEY_MISMATCH,
        /** The lots of a ledger from before lots are not built yet (no user: the whole database). */
        LOTS_PENDING,
        /** A user's balance is not what their lots hold less their debt. */
        LOTS_MISMATCH,
        /** A user's debt is below zero. */
        NEGATIVE_DEBT,
        /** A user owes coins while a lot of theirs still holds some. */
        DEBT_WITH_COINS,
        /**
         * A lot's remaining coins differ from its coins less its moves, or fall outside 0 to its coins;
         * a lot that another user's row moves; lots unlike what their purchase or grant credited.
         */
        LOT_MISMATCH,
        /** A ledger row's paid or bonus part is not what it credited less what its lot moves took, by kind. */
        ENTRY_PARTS_MISMATCH,
        /** A purchase or grant without the lots it credited. */
        MISSING_LOTS;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
