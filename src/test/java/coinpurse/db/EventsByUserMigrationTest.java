package coinpurse.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import coinpurse.support.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * V9 gives the events handled before it their user: a checkout event its session's, another the
 * user of the session or payment intent its detail names when that is one user; none when it names
 * none of ours, or sessions of two users. Run on a V8 database of each backend holding such rows.
 */
class EventsByUserMigrationTest {
    private static final String T = "'2026-01-01T00:00:00.000Z'";

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void theEventsHandledBeforeV9GetTheUserOfTheSessionTheyAreAbout(Dialect dialect) throws SQLException {
        String url = dialect == Dialect.POSTGRES
                ? TestPostgres.server().newDatabase()
                : "jdbc:sqlite:" + dir.resolve("v8.db");
        migrate(url, dialect, "8");
        try (Connection connection = DriverManager.getConnection(url); Statement sql = connection.createStatement()) {
            for (String user : new String[] {"a_%", "ab", "a_b", "carol"}) {
                sql.executeUpdate("INSERT INTO users (id, balance, created_at) VALUES ('" + user + "', 0, " + T + ")");
            }
            session(sql, "cs_test_a1", "a_%", "pi_test_a1");
            session(sql, "cs_test_a12", "ab", "pi_test_a12");
            session(sql, "cs_test_b", "a_b", null);
            session(sql, "cs_test_c", "carol", "pi_test_c");
            event(sql, "evt_checkout", "cs_test_a1", "550 coins to user a_%");
            event(sql, "evt_refund", null, "took 40 coins back from user a_% (refund, balance 510); 40 of 550 coins"
                    + " taken back from cs_test_a1");
            event(sql, "evt_longer_id", null, "nothing new: 0 of 550 coins taken back from cs_test_a12");
            event(sql, "evt_kept", null, "no fulfilled purchase with payment intent pi_test_a12: not ours, or not"
                    + " fulfilled yet");
            event(sql, "evt_dispute", null, "amount_refunded 0, dispute lost; 550 of 550 coins taken back from cs_test_c");
            event(sql, "evt_two_users", null, "charge of 999 usd but session cs_test_b was for pi_test_c");
            event(sql, "evt_not_ours", null, "no fulfilled purchase with payment intent pi_test_elsewhere here");
            event(sql, "evt_no_detail", null, null);
            event(sql, "evt_unknown_session", "cs_test_elsewhere", "not this deployment");
        }

        migrate(url, dialect, "latest");

        Map<String, String> users = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(url); Statement sql = connection.createStatement();
                ResultSet rows = sql.executeQuery("SELECT event_id, user_id FROM processed_events")) {
            while (rows.next()) {
                users.put(rows.getString(1), rows.getString(2));
            }
        }
        Map<String, String> expected = new HashMap<>(Map.of("evt_checkout", "a_%", "evt_refund", "a_%",
                "evt_longer_id", "ab", "evt_kept", "ab", "evt_dispute", "carol"));
        for (String none : new String[] {"evt_two_users", "evt_not_ours", "evt_no_detail", "evt_unknown_session"}) {
            expected.put(none, null);
        }
        assertEquals(expected, users);
    }

    private static void migrate(String url, Dialect dialect, String target) {
        Flyway.configure().dataSource(url, null, null).locations(Migrations.COMMON, dialect.migrations())
                .target(target).load().migrate();
    }

    private static void session(Statement sql, String id, String user, String paymentIntent) throws SQLException {
        sql.executeUpdate("INSERT INTO payment_sessions (session_id, user_id, package_id, amount_cents, currency, coins,"
                + " bonus, status, payment_intent, created_at, updated_at) VALUES ('" + id + "', '" + user
                + "', 'popular', 1999, 'usd', 500, 50, 'completed', " + (paymentIntent == null ? "NULL"
                        : "'" + paymentIntent + "'") + ", " + T + ", " + T + ")");
    }

    private static void event(Statement sql, String id, String session, String detail) throws SQLException {
        sql.executeUpdate("INSERT INTO processed_events (event_id, type, session_id, outcome, detail, processed_at)"
                + " VALUES ('" + id + "', 'charge.refunded', " + (session == null ? "NULL" : "'" + session + "'")
                + ", 'updated', " + (detail == null ? "NULL" : "'" + detail + "'") + ", " + T + ")");
    }
}
