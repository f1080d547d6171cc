package coinpurse.wallet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Objects;

/**
 * {@link LedgerRows} for {@link LotsFromHistory}: instead of appending, {@link CoinBook}'s row is
 * matched to the ledger row that is already there ({@link #expect}), which gets the {@code paid} and
 * {@code bonus} parts of the lots the rules moved; the user's balance and debt follow as
 * {@link Ledger#append} would set them. A row the rules would write differently (another amount,
 * reason or reference, or a second row such as an expiry) stops the replay.
 */
final class ExistingRows implements LedgerRows {
    /** A ledger row as stored before lots. */
    record Row(long id, String userId, long delta, String reason, String reference, String createdAt) {

        String describe() {
            return "ledger row " + id + " (" + reason + " of " + delta + ", user " + userId
                    + (reference == null ? "" : ", " + reference) + ")";
        }
    }

    private Row expected;

    /** The row that the next (and only) write must be. */
    void expect(Row row) {
        expected = row;
    }

    /** Throws unless the row expected was written. */
    void requireWritten() {
        if (expected != null) {
            throw new IllegalStateException("the lot rules wrote no row for it");
        }
    }

    @Override
    public LedgerEntry append(Connection connection, Account before, long delta, long paid, long bonus, String reason,
            String reference) throws SQLException {
        Row row = expected;
        if (row == null) {
            throw new IllegalStateException("the lot rules would write another row after it: a " + reason + " of "
                    + delta);
        }
        if (!row.userId().equals(before.userId()) || row.delta() != delta || !row.reason().equals(reason)
                || !Objects.equals(row.reference(), reference)) {
            throw new IllegalStateException("the lot rules would make it a " + reason + " of " + delta + " for user "
                    + before.userId() + (reference == null ? "" : ", " + reference));
        }
        expected = null;
        LedgerEntry entry = new LedgerEntry(row.id(), row.userId(), delta, Math.addExact(before.balance(), delta),
                paid, bonus, reason, reference, row.createdAt());
        Account after = Ledger.after(before, entry);
        if (after.debt() < 0) {
            throw new IllegalStateException("it would leave user " + before.userId() + " a debt of " + after.debt());
        }
        try (PreparedStatement update =
                connection.prepareStatement("UPDATE coin_ledger SET paid = ?, bonus = ? WHERE id = ?")) {
            update.setLong(1, paid);
            update.setLong(2, bonus);
            update.setLong(3, row.id());
            update.executeUpdate();
        }
        try (PreparedStatement update =
                connection.prepareStatement("UPDATE users SET balance = ?, debt = ? WHERE id = ?")) {
            update.setLong(1, after.balance());
            update.setLong(2, after.debt());
            update.setString(3, after.userId());
            update.executeUpdate();
        }
        return entry;
    }
}
