package coinpurse.wallet;

import java.util.HashMap;
import java.util.Map;

/**
 * How many of the coins an old refund or dispute row took back (or gave back) were paid coins:
 * what {@link LotsFromHistory} hands {@link CoinBook#takeBack} and {@link CoinBook#giveBack} as the
 * row's paid part. The ledger kept only each row's coins, not the refund it followed, so the cents
 * refunded at that time are inferred from the coins taken back by then (docs/decisions/lots-from-history.md):
 * <ul>
 * <li>all the purchase's coins taken back (a full refund, a dispute) → all its paid coins;
 * <li>none → none;
 * <li>else the refund that takes exactly that many coins: the purchase's final {@code amount_refunded}
 *     when it does (so the last state is the one the live rules compute), else the least whole cents
 *     that do, {@code ⌈taken × amount / coins⌉}; its paid coins are {@code ⌊paid coins × refunded / amount⌋}.
 * </ul>
 * Row by row, the paid part follows that total as {@code settlement.Reversals} does: the difference
 * from what earlier rows took, kept within what the row moves.
 */
final class HistoricReversals {
    /** A purchase as its session stands: its coins of each kind, its price and its final refunded cents. */
    record Purchase(String sessionId, String userId, long coins, long bonus, long amountCents, String currency,
            long amountRefunded) {}

    /** What a purchase's reversal rows so far took back: coins in all, and of them paid coins. */
    static final class Taken {
        long coins;
        long paid;
    }

    private final Map<String, Taken> bySession = new HashMap<>();

    /**
     * The paid part of a reversal row of {@code delta} coins (negative: taken back) of {@code purchase}
     * (null when its session is not recorded: no paid part), recorded as taken.
     */
    long paidPart(String sessionId, Purchase purchase, long delta) {
        Taken taken = bySession.computeIfAbsent(sessionId, id -> new Taken());
        long coins = Math.abs(delta);
        taken.coins -= delta;
        if (purchase == null) {
            return 0;
        }
        long part = Math.max(0, Math.min(coins, Math.abs(paidAmong(purchase, taken.coins) - taken.paid)));
        taken.paid += delta < 0 ? part : -part;
        return part;
    }

    /** Each purchase's paid coins taken back in all, by session id: its {@code paid_reversed}. */
    Map<String, Long> paidReversed() {
        Map<String, Long> paid = new HashMap<>();
        bySession.forEach((session, taken) -> paid.put(session, taken.paid));
        return paid;
    }

    /** The paid coins among {@code taken} coins taken back from {@code purchase} in all. */
    static long paidAmong(Purchase purchase, long taken) {
        long all = purchase.coins() + purchase.bonus();
        if (taken >= all) {
            return purchase.coins();
        }
        if (taken <= 0) {
            return 0;
        }
        long amount = purchase.amountCents();
        if (amount <= 0) {
            return Math.multiplyExact(purchase.coins(), taken) / all;
        }
        long refunded = share(all, purchase.amountRefunded(), amount) == taken
                ? purchase.amountRefunded()
                : -Math.floorDiv(-Math.multiplyExact(taken, amount), all);
        return share(purchase.coins(), refunded, amount);
    }

    /** {@code ⌊coins × refunded / amount⌋}, all once {@code refunded} reaches {@code amount}: as OwedBack. */
    private static long share(long coins, long refunded, long amount) {
        return refunded >= amount ? coins : Math.multiplyExact(coins, refunded) / amount;
    }
}
