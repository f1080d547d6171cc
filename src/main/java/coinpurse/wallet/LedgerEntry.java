package coinpurse.wallet;

/**
 * One row of the append-only coin ledger: the change of the balance ({@code delta}), of the
 * unspent paid and bonus coins ({@code paid}, {@code bonus}; {@code delta − paid − bonus} is the
 * change of debt, negated), why, and the balance after it.
 */
public record LedgerEntry(
        long id,
        String userId,
        long delta,
        long balanceAfter,
        long paid,
        long bonus,
        String reason,
        String reference,
        String createdAt) {}
