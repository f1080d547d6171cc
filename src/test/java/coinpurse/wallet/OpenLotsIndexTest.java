package coinpurse.wallet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.db.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The look-ups that every change of a user's coins makes (the account read with its due-lots
 * check, a spend's lots, the due lots) go through the index of the user's lots that still hold
 * coins (V11's {@code coin_lots_open_by_user}), so their cost does not grow with every lot the user
 * ever had, as it did through an index on all of a user's lots. SQLite's own query plans.
 */
class OpenLotsIndexTest {
    @TempDir
    Path dir;

    @Test
    void theLookUpsOfEveryChangeReadOnlyTheUsersOpenLots() {
        try (Database db = Database.open(dir.resolve("coinpurse.db"))) {
            Map<String, String> lookUps = Map.of("the account read", Ledger.ACCOUNT,
                    "a spend's lots", Lots.SPENDABLE, "the due lots", Lots.DUE);
            lookUps.forEach((name, sql) -> {
                String plan = db.read(connection -> plan(connection, sql));
                assertTrue(plan.contains("USING INDEX coin_lots_open_by_user (user_id=?"), name + ": " + plan);
            });
        }
    }

    private static String plan(Connection connection, String sql) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("EXPLAIN QUERY PLAN " + sql)) {
            while (rows.next()) {
                plan.append(rows.getString("detail")).append("; ");
            }
        }
        return plan.toString();
    }
}
