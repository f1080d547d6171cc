package coinpurse.settlement;

import static coinpurse.support.JsonAssertions.assertError;
import static coinpurse.support.StripeEvents.checkoutEvent;
import static coinpurse.support.StripeEvents.eventIdOf;
import static coinpurse.support.WebhookAssertions.assertAccepted;
import static coinpurse.support.WebhookAssertions.assertCredited;
import static coinpurse.support.WebhookAssertions.assertNothingChanged;
import static org.junit.jupiter.api.Assertions.assertEquals;

import coinpurse.db.SqliteDatabase;
import coinpurse.support.PendingCheckout;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The webhook when the database cannot take the event: 500, so that Stripe delivers it
 * again, and the re-delivery after the fault is gone credits exactly once. Faults are made
 * in the real SQLite file through a second connection, as an operator or a full disk
 * would, not by replacing any of our classes.
 */
class WebhookDatabaseFailureTest {
    @RunningServer
    static TestServer server;

    @Test
    void aMissingTableIs500AndTheRedeliveryAfterTheFixCreditsOnce() throws SQLException {
        PendingCheckout checkout = PendingCheckout.create(server, "db-missing-table");
        String payload = server.paidEvent(checkout.sessionId());

        sql("ALTER TABLE processed_events RENAME TO processed_events_away");
        try {
            assertError(server.deliver(payload), 500, "not_processed");
        } finally {
            sql("ALTER TABLE processed_events_away RENAME TO processed_events");
        }
        assertNothingChanged(server, checkout, eventIdOf(payload));

        assertAccepted(server.deliver(payload));
        assertCredited(server, checkout);
        assertEquals("credited", server.eventOutcome(eventIdOf(payload)));
    }

    /**
     * Everything the event does is written, then COMMIT itself fails (a deferred foreign key
     * that the trigger violates): the credit must be rolled back with the event record.
     */
    @Test
    void aFailedCommitIs500WithNothingCreditedAndTheRedeliveryCreditsOnce() throws SQLException {
        PendingCheckout checkout = PendingCheckout.create(server, "db-commit-fails");
        String payload = server.paidEvent(checkout.sessionId());

        blockCommitsThatRecordAnEvent();
        try {
            assertError(server.deliver(payload), 500, "not_processed");
            assertError(server.deliver(payload), 500, "not_processed");
        } finally {
            unblockCommits();
        }
        assertNothingChanged(server, checkout, eventIdOf(payload));

        assertAccepted(server.deliver(payload));
        assertAccepted(server.deliver(payload));
        assertCredited(server, checkout);
        assertEquals(1, server.processedEventRows(eventIdOf(payload)));
    }

    @Test
    void aFailedCommitOfAnExpiryLeavesTheSessionPending() throws SQLException {
        PendingCheckout checkout = PendingCheckout.create(server, "db-expiry-fails");
        server.stripe().markExpired(checkout.sessionId());
        String payload = checkoutEvent("checkout.session.expired",
                server.stripe().session(checkout.sessionId()));

        blockCommitsThatRecordAnEvent();
        try {
            assertError(server.deliver(payload), 500, "not_processed");
        } finally {
            unblockCommits();
        }
        assertNothingChanged(server, checkout, eventIdOf(payload));

        assertAccepted(server.deliver(payload));
        assertEquals("expired", server.storedStatus(checkout.sessionId()));
    }

    // ---- faults, made through a second connection to the same file ----

    private static void blockCommitsThatRecordAnEvent() throws SQLException {
        sql("CREATE TABLE commit_gate (id TEXT PRIMARY KEY)");
        sql("""
                CREATE TABLE commit_blocker (
                    gate TEXT NOT NULL REFERENCES commit_gate (id) DEFERRABLE INITIALLY DEFERRED)""");
        sql("""
                CREATE TRIGGER block_commit AFTER INSERT ON processed_events
                BEGIN INSERT INTO commit_blocker (gate) VALUES ('closed'); END""");
    }

    private static void unblockCommits() throws SQLException {
        sql("DROP TRIGGER block_commit");
        sql("DROP TABLE commit_blocker");
        sql("DROP TABLE commit_gate");
    }

    private static void sql(String statement) throws SQLException {
        try (Connection connection = DriverManager.getConnection(
                        "jdbc:sqlite:" + ((SqliteDatabase) server.deps().db()).file().toAbsolutePath());
                Statement sql = connection.createStatement()) {
            sql.execute("PRAGMA busy_timeout = 10000");
            sql.execute(statement);
        }
    }
}
