package coinpurse.wallet;

/** One row of the append-only coin ledger. */
public record LedgerEntry(
        long id,
        String userId,
        long delta,
        long balanceAfter,
        String reason,
        String reference,
        String createdAt) {}
