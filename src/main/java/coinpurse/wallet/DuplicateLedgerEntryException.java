package coinpurse.wallet;

/** The ledger already holds the entry a unique constraint allows once (a purchase credit). */
public class DuplicateLedgerEntryException extends RuntimeException {
    public DuplicateLedgerEntryException(String reference) {
        super("ledger entry already recorded for " + reference);
    }
}
