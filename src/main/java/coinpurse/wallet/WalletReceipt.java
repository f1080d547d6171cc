package coinpurse.wallet;

/** The answer to a spend or grant: the balance right after it and the ledger entry it wrote. */
public record WalletReceipt(String userId, long balance, long entryId) {}
