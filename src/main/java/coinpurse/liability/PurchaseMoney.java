package coinpurse.liability;

/**
 * One purchase's money as of a moment, in whole cents: what was paid ({@code purchased}), what went
 * back ({@code refunded}: refunds that stand, or the whole payment while an open or lost dispute
 * holds it), what its unspent paid coins are still worth to the user ({@code liability}) and the
 * rest, earned by coins spent ({@code recognized}). {@code purchased = refunded + recognized + liability}.
 */
public record PurchaseMoney(String sessionId, String userId, String currency, long purchasedCents,
        long refundedCents, long recognizedCents, long liabilityCents, long unspentPaidCoins) {

    /**
     * The SPEC's figures of a purchase of {@code paidCoins} paid coins for {@code amountCents}, of
     * which {@code refundedCents} went back and {@code unspentPaidCoins} are unspent. Its unspent
     * coins are worth {@code v = A − floor((N − u) × A / N)}, so that the values of all its coins add
     * up to A exactly (the spent ones are rounded down, the unspent ones get the cents left); the
     * liability is {@code min(v, A − R)}, never below 0; what is neither refunded nor owed is recognized.
     */
    public static PurchaseMoney of(String sessionId, String userId, String currency, long amountCents,
            long paidCoins, long refundedCents, long unspentPaidCoins) {
        long unspentValue = paidCoins == 0 ? 0
                : amountCents - Math.floorDiv(Math.multiplyExact(paidCoins - unspentPaidCoins, amountCents), paidCoins);
        long notRefunded = Math.subtractExact(amountCents, refundedCents);
        long liability = Math.max(0, Math.min(unspentValue, notRefunded));
        return new PurchaseMoney(sessionId, userId, currency, amountCents, refundedCents, notRefunded - liability,
                liability, unspentPaidCoins);
    }
}
