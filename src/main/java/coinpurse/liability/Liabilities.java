package coinpurse.liability;

import coinpurse.db.Database;
import coinpurse.db.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the money report as of a moment. Everything it reads is appended and stamped, never
 * changed: the purchase's ledger row ({@code created_at}), its paid lot's moves ({@code created_at},
 * the stamp of the ledger row that made them) and its money history ({@code recorded_at}: refunded
 * cents, and whether an open or lost dispute held the payment). A row counts when its stamp is at or
 * before {@code as_of}, so a report of a past moment reads the same rows however much happens later.
 * A purchase's session ({@code amount_cents}, {@code coins}, currency, user) is fixed when recorded.
 */
public final class Liabilities {
    /** A moment after every stamp: what {@code verify} reads, all that is stored. */
    public static final Instant EVERYTHING = Instant.parse("9999-12-31T23:59:59.999Z");

    /**
     * Per purchase credited by then: A, N, R (the latest money history row by then: the whole A while
     * a dispute held it, else its refunded cents; 0 with none) and u (its paid lot's coins less the
     * moves by then; 0 with no paid lot). Ties of stamps go to the later row. A session credited twice
     * (which the unique index forbids, and verify names) counts once: it was paid once.
     */
    private static final String PURCHASES = """
            SELECT s.session_id, s.user_id, s.currency, s.amount_cents, s.coins,
                COALESCE((SELECT CASE WHEN h.disputed = 1 THEN s.amount_cents ELSE h.refunded_cents END
                          FROM purchase_money_history h
                          WHERE h.session_id = s.session_id AND h.recorded_at <= ?
                          ORDER BY h.recorded_at DESC, h.id DESC LIMIT 1), 0),
                COALESCE((SELECT l.coins - COALESCE((SELECT SUM(m.coins) FROM lot_moves m
                                                     WHERE m.lot_id = l.id AND m.created_at <= ?), 0)
                          FROM coin_lots l
                          WHERE l.session_id = s.session_id AND l.kind = 'paid'
                          ORDER BY l.id LIMIT 1), 0)
            FROM payment_sessions s
            JOIN (SELECT reference, MIN(id) AS credit FROM coin_ledger
                  WHERE reason = 'purchase' AND created_at <= ? GROUP BY reference) p ON p.reference = s.session_id
            ORDER BY p.credit""";

    /** The report as of {@code asOf}, read on one snapshot. */
    public LiabilityReport report(Database db, Instant asOf) {
        return db.readSnapshot(connection -> at(connection, asOf));
    }

    /** The report as of {@code asOf} (to the millisecond), on the caller's connection. */
    public LiabilityReport at(Connection connection, Instant asOf) throws SQLException {
        String stamp = Timestamps.format(asOf);
        List<PurchaseMoney> purchases = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(PURCHASES)) {
            query.setString(1, stamp);
            query.setString(2, stamp);
            query.setString(3, stamp);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    purchases.add(PurchaseMoney.of(rows.getString(1), rows.getString(2),
                            rows.getString(3).toLowerCase(Locale.ROOT), rows.getLong(4), rows.getLong(5),
                            rows.getLong(6), rows.getLong(7)));
                }
            }
        }
        return LiabilityReport.of(stamp, purchases);
    }
}
