package coinpurse.wallet;

import coinpurse.db.Database;
import coinpurse.db.Dialect;
import coinpurse.db.Timestamps;
import coinpurse.wallet.ExistingRows.Row;
import coinpurse.wallet.HistoricReversals.Purchase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the lots of a database that has a ledger from before lots (the migration to schema 6 marks
 * it with the setting {@value #PENDING}): every ledger row, in id order, goes through
 * {@link CoinBook}'s own rules (purchases from their sessions' coins, bonus, price and currency;
 * grants as bonus that never expires; spends in spend order; refunds and disputes taken from their
 * purchase, their paid part as {@link HistoricReversals} infers it; give-backs to where the coins
 * came from), which write the lots, the lot moves, each row's {@code paid} and {@code bonus}, each
 * user's debt and each purchase's {@code paid_reversed}, without adding a row. Each purchase with a
 * refund or dispute gets its money's state in {@code purchase_money_history}, stamped when its
 * session last changed.
 *
 * <p>All in one write transaction, then the mark is removed: run by whatever opens the database to
 * write, before anything else writes. Every balance must come out as stored; if one does not (or a
 * row cannot be replayed), nothing is written and it throws {@link LotsFromHistoryException}, which
 * stops the start: a balance that disagrees with its ledger is {@code verify}'s to name.
 */
public final class LotsFromHistory {
    /** The setting's name; its value is {@code pending} until the lots are built. */
    public static final String PENDING = "lots_from_history";
    private static final Logger log = LoggerFactory.getLogger(LotsFromHistory.class);
    private static final int PAGE = 500;
    private static final int NAMED = 3;

    private final Timestamps timestamps;

    public LotsFromHistory(Timestamps timestamps) {
        this.timestamps = timestamps;
    }

    /** Builds the lots if the database says they are pending; true if it did. Safe on two instances at once. */
    public boolean runIfPending(Database db) {
        if (!db.readSnapshot(LotsFromHistory::pending)) {
            return false;
        }
        return db.inTransaction(connection -> {
            db.dialect().lock(connection, PENDING);
            if (!pending(connection)) {
                return false;
            }
            replay(connection, db.dialect());
            return true;
        });
    }

    /** True while the mark is there. */
    public static boolean pending(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT value FROM settings WHERE name = ?")) {
            query.setString(1, PENDING);
            try (ResultSet row = query.executeQuery()) {
                return row.next();
            }
        }
    }

    private void replay(Connection connection, Dialect dialect) throws SQLException {
        requireNoLotsYet(connection);
        Map<String, Long> stored = balances(connection);
        update(connection, "UPDATE users SET balance = 0, debt = 0");
        Map<String, Purchase> purchases = purchases(connection);
        ExistingRows rows = new ExistingRows();
        CoinBook book = new CoinBook(new Ledger(timestamps, dialect), timestamps, rows);
        HistoricReversals reversals = new HistoricReversals();
        long replayed = 0;
        for (List<Row> page = page(connection, 0); !page.isEmpty();
                page = page(connection, page.get(page.size() - 1).id())) {
            for (Row row : page) {
                rows.expect(row);
                try {
                    replay(connection, book, row, purchases, reversals);
                    rows.requireWritten();
                } catch (RuntimeException e) {
                    throw new LotsFromHistoryException(row.describe() + " cannot be replayed through the lot rules: "
                            + e.getMessage());
                }
                replayed++;
            }
        }
        requireStoredBalances(stored, balances(connection));
        for (Map.Entry<String, Long> paid : reversals.paidReversed().entrySet()) {
            update(connection, "UPDATE payment_sessions SET paid_reversed = ? WHERE session_id = ?", paid.getValue(),
                    paid.getKey());
        }
        long history = update(connection, """
                INSERT INTO purchase_money_history (session_id, refunded_cents, disputed, recorded_at)
                SELECT s.session_id, s.amount_refunded,
                       CASE WHEN s.dispute_status IN ('open', 'lost') THEN 1 ELSE 0 END, s.updated_at
                FROM payment_sessions s
                WHERE (s.amount_refunded > 0 OR s.dispute_status IS NOT NULL)
                  AND EXISTS (SELECT 1 FROM coin_ledger e WHERE e.reason = 'purchase' AND e.reference = s.session_id)
                ORDER BY s.updated_at, s.session_id""");
        update(connection, "DELETE FROM settings WHERE name = ?", PENDING);
        log.info("built the coin lots of {} users from their {} ledger rows (once, after the upgrade to lots);"
                + " {} purchases' refunds and disputes recorded for the money report", stored.size(), replayed,
                history);
    }

    private static void replay(Connection connection, CoinBook book, Row row, Map<String, Purchase> purchases,
            HistoricReversals reversals) throws SQLException {
        switch (row.reason()) {
            case Reasons.PURCHASE -> {
                Purchase purchase = purchases.get(row.reference());
                if (purchase == null) {
                    throw new IllegalStateException("its session is not recorded, so its coins' kinds and price are"
                            + " unknown");
                }
                book.creditPurchase(connection, row.userId(), purchase.sessionId(), purchase.coins(), purchase.bonus(),
                        purchase.amountCents(), purchase.currency());
            }
            case Reasons.GRANT -> book.grant(connection, row.userId(), row.delta(), null, row.reference());
            case Reasons.SPEND -> book.spend(connection, row.userId(), -row.delta(), row.reason(), row.reference(),
                    false);
            case Reasons.REFUND, Reasons.DISPUTE, Reasons.REFUND_REVERSED, Reasons.DISPUTE_WON -> {
                long coins = Math.abs(row.delta());
                long paid = reversals.paidPart(row.reference(), purchases.get(row.reference()), row.delta());
                if (row.delta() < 0) {
                    book.takeBack(connection, row.userId(), row.reference(), paid, coins - paid, row.reason());
                } else {
                    book.giveBack(connection, row.userId(), row.reference(), paid, coins - paid, row.reason());
                }
            }
            default -> throw new IllegalStateException("no ledger before lots has rows of this reason");
        }
    }

    /** Lots beside the mark are a state nothing writes: better stop than build them twice. */
    private static void requireNoLotsYet(Connection connection) throws SQLException {
        for (String table : List.of("coin_lots", "lot_moves", "purchase_money_history")) {
            try (PreparedStatement query = connection.prepareStatement("SELECT COUNT(*) FROM " + table);
                    ResultSet row = query.executeQuery()) {
                row.next();
                if (row.getLong(1) > 0) {
                    throw new LotsFromHistoryException("the database is marked " + PENDING + " = pending but "
                            + table + " has rows already; nothing was changed");
                }
            }
        }
    }

    private static void requireStoredBalances(Map<String, Long> stored, Map<String, Long> replayed) {
        List<String> differ = new ArrayList<>();
        stored.forEach((user, balance) -> {
            long ledger = replayed.getOrDefault(user, 0L);
            if (ledger != balance) {
                differ.add("user " + user + "'s stored balance is " + balance + " but its ledger comes to " + ledger);
            }
        });
        if (!differ.isEmpty()) {
            String more = differ.size() > NAMED ? " (and " + (differ.size() - NAMED) + " more)" : "";
            throw new LotsFromHistoryException(String.join("; ", differ.subList(0, Math.min(NAMED, differ.size())))
                    + more);
        }
    }

    private static Map<String, Long> balances(Connection connection) throws SQLException {
        Map<String, Long> balances = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT id, balance FROM users ORDER BY id");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                balances.put(rows.getString(1), rows.getLong(2));
            }
        }
        return balances;
    }

    private static Map<String, Purchase> purchases(Connection connection) throws SQLException {
        Map<String, Purchase> purchases = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT session_id, user_id, coins, bonus, amount_cents, currency, amount_refunded
                FROM payment_sessions""");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                purchases.put(rows.getString(1), new Purchase(rows.getString(1), rows.getString(2), rows.getLong(3),
                        rows.getLong(4), rows.getLong(5), rows.getString(6), rows.getLong(7)));
            }
        }
        return purchases;
    }

    /** The next rows after {@code afterId}, in id order: read a page at a time, since replaying writes. */
    private static List<Row> page(Connection connection, long afterId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT id, user_id, delta, reason, reference, created_at FROM coin_ledger
                WHERE id > ? ORDER BY id LIMIT ?""")) {
            query.setLong(1, afterId);
            query.setInt(2, PAGE);
            try (ResultSet rows = query.executeQuery()) {
                List<Row> page = new ArrayList<>();
                while (rows.next()) {
                    page.add(new Row(rows.getLong(1), rows.getString(2), rows.getLong(3), rows.getString(4),
                            rows.getString(5), rows.getString(6)));
                }
                return page;
            }
        }
    }

    private static long update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                update.setObject(i + 1, parameters[i]);
            }
            return update.executeUpdate();
        }
    }
}
