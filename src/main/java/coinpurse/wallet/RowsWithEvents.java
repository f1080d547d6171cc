package coinpurse.wallet;

import coinpurse.events.EventType;
import coinpurse.events.Outbox;
import java.sql.Connection;
import java.sql.SQLException;

/** The rows of a live {@link CoinBook}: each new ledger row and its {@code coins.*} event, in the row's transaction. */
final class RowsWithEvents implements LedgerRows {
    private final Ledger ledger;
    private final Outbox outbox;

    RowsWithEvents(Ledger ledger, Outbox outbox) {
        this.ledger = ledger;
        this.outbox = outbox;
    }

    @Override
    public LedgerEntry append(Connection connection, Account before, long delta, long paid, long bonus, String reason,
            String reference) throws SQLException {
        LedgerEntry entry = ledger.append(connection, before, delta, paid, bonus, reason, reference);
        outbox.record(connection, before.userId(), eventOf(reason), HistoryEntry.of(entry));
        return entry;
    }

    private static EventType eventOf(String reason) {
        return switch (reason) {
            case Reasons.PURCHASE -> EventType.COINS_PURCHASED;
            case Reasons.GRANT -> EventType.COINS_GRANTED;
            case Reasons.SPEND, Reasons.CAPTURE -> EventType.COINS_SPENT;
            case Reasons.REFUND, Reasons.DISPUTE -> EventType.COINS_TAKEN_BACK;
            case Reasons.REFUND_REVERSED, Reasons.DISPUTE_WON -> EventType.COINS_GIVEN_BACK;
            case Reasons.EXPIRED -> EventType.COINS_EXPIRED;
            default -> throw new IllegalArgumentException("a ledger row of no event type: " + reason);
        };
    }
}
