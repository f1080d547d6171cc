package coinpurse.wallet;

/**
 * The answer to a spend or grant: the balance right after it, the ledger entry it wrote, and the
 * coins of each kind it moved ({@code paid}, {@code bonus}: negative for a spend).
 */
public record WalletReceipt(String userId, long balance, long entryId, long paid, long bonus) {}
