package coinpurse.wallet;

/**
 * One credit of one kind of coins, and what is left of it: a purchase's paid coins (with what they
 * cost, {@code amountCents}), a purchase's bonus coins, or a grant's bonus coins (which may expire
 * at {@code expiresAt}). {@code remaining} = {@code coins} − what the lot's moves took.
 */
public record Lot(long id, String userId, LotKind kind, String sessionId, long entryId, long coins, long remaining,
        long amountCents, String currency, String expiresAt, String createdAt) {

    /** True when the lot's coins have left the balance by expiring at or before {@code now} (ISO text). */
    public boolean isDue(String now) {
        return expiresAt != null && expiresAt.compareTo(now) <= 0;
    }

    Lot withRemaining(long left) {
        return new Lot(id, userId, kind, sessionId, entryId, coins, left, amountCents, currency, expiresAt, createdAt);
    }
}
