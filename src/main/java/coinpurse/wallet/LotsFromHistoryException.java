package coinpurse.wallet;

import coinpurse.db.DatabaseException;

/**
 * The lots could not be built from the ledger ({@link LotsFromHistory}): nothing was written, and
 * the database cannot be used until {@code verify}'s problems are set right. A
 * {@link DatabaseException}, so that a start reports it in one line.
 */
public final class LotsFromHistoryException extends DatabaseException {
    LotsFromHistoryException(String detail) {
        super("the coin lots could not be built from the ledger: " + detail + "; run `coinpurse verify` to see every"
                + " problem, set them right and start again", (RuntimeException) null);
    }
}
