package coinpurse.holds;

/** What the hold routes answer (snake_case in JSON). */
public final class HoldAnswers {
    private HoldAnswers() {}

    /** A new hold: {@code POST /api/internal/coins/holds}. */
    public record Created(String holdId, String userId, long amount, String status, String expiresAt, long balance,
            long available) {}

    /** A captured hold: what it spent, the ledger row, and the balance and available coins after. */
    public record Captured(String holdId, String status, long captured, long entryId, long balance, long available) {}

    /** A released hold: nothing spent, the balance and available coins after. */
    public record Released(String holdId, String status, long balance, long available) {}

    /** A hold as it stands: {@code captured} is null unless it was captured. */
    public record View(String holdId, String userId, long amount, String status, String expiresAt, String reason,
            Long captured) {}
}
