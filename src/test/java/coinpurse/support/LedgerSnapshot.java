package coinpurse.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every non-zero balance and the number of ledger rows, read straight from a server's SQLite:
 * two equal snapshots mean that not one coin moved in between.
 */
public record LedgerSnapshot(Map<String, Long> balances, long ledgerRows) {

    public static LedgerSnapshot of(TestServer server) {
        try (Connection connection = server.deps().db().dataSource().getConnection()) {
            Map<String, Long> balances = new TreeMap<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT id, balance FROM users WHERE balance <> 0");
                    ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    balances.put(rows.getString(1), rows.getLong(2));
                }
            }
            try (PreparedStatement query = connection.prepareStatement("SELECT COUNT(*) FROM coin_ledger");
                    ResultSet row = query.executeQuery()) {
                row.next();
                return new LedgerSnapshot(balances, row.getLong(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
