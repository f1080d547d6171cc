package coinpurse.wallet;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where {@link CoinBook} writes the ledger row of a change, once it has decided which lots the
 * change moves: {@link Ledger#append} (a new row), or, while lots are built from an older
 * database's history, the row that is already there ({@link LotsFromHistory}).
 */
@FunctionalInterface
interface LedgerRows {

    /** The row of {@code delta}, {@code paid} and {@code bonus} on {@code before}, as {@link Ledger#append} has it. */
    LedgerEntry append(Connection connection, Account before, long delta, long paid, long bonus, String reason,
            String reference) throws SQLException;
}
