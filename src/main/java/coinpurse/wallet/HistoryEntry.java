package coinpurse.wallet;

/**
 * A ledger row as the web app sees it: in the user's history, and as the {@code data} of its
 * {@code coins.*} event.
 */
public record HistoryEntry(long id, long delta, long balanceAfter, long paid, long bonus, String reason,
        String reference, String createdAt) {

    static HistoryEntry of(LedgerEntry entry) {
        return new HistoryEntry(entry.id(), entry.delta(), entry.balanceAfter(), entry.paid(), entry.bonus(),
                entry.reason(), entry.reference(), entry.createdAt());
    }
}
