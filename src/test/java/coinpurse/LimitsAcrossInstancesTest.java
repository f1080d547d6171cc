package coinpurse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.config.Config;
import coinpurse.config.ConfigLoader;
import coinpurse.db.Database;
import coinpurse.support.CliRun;
import coinpurse.support.Concurrently;
import coinpurse.support.TestPostgres;
import coinpurse.support.TestServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What was per process must hold across instances on one PostgreSQL database: the per-user
 * checkout rate limit, the status route's "ask Stripe at most every few seconds", and one
 * {@code reconcile} at a time. Two servers in this JVM share one database and one fake Stripe.
 */
class LimitsAcrossInstancesTest {
    @TempDir
    Path dir;

    @Test
    void theCheckoutRateLimitCountsTheUsersCheckoutsOnEveryInstance() throws IOException {
        String db = TestPostgres.server().newDatabase();
        try (TestServer a = TestServer.start(dir.resolve("a"), Map.of("DB_URL", db, "RATELIMIT_CHECKOUT_PER_MINUTE", "3"));
                TestServer b = TestServer.start(dir.resolve("b"), Map.of("DB_URL", db, "RATELIMIT_CHECKOUT_PER_MINUTE", "3",
                        "STRIPE_API_BASE", a.stripe().apiBase()))) {
            String token = a.token("limited");
            a.checkout(token, "popular");
            b.checkout(token, "popular");
            a.checkout(token, "starter");

            HttpResponse<String> fourth = b.post("/api/payment/create-checkout-session", "{\"package_id\": \"popular\"}", token);

            assertEquals(429, fourth.statusCode(), fourth.body());
            assertTrue(Long.parseLong(fourth.headers().firstValue("Retry-After").orElseThrow()) >= 1);
        }
    }

    @Test
    void statusPollsOnBothInstancesAskStripeOnceForAPendingSession() throws Exception {
        String db = TestPostgres.server().newDatabase();
        try (TestServer a = TestServer.start(dir.resolve("a"), Map.of("DB_URL", db));
                TestServer b = TestServer.start(dir.resolve("b"), Map.of("DB_URL", db,
                        "STRIPE_API_BASE", a.stripe().apiBase()))) {
            String token = a.token("poller");
            String session = a.checkout(token, "popular");

            List<Integer> statuses = Concurrently.allAtOnce(10, i -> () ->
                    (i % 2 == 0 ? a : b).get("/api/payment/status/" + session, token).statusCode());

            statuses.forEach(status -> assertEquals(200, status));
            assertEquals(1, a.stripe().retrieveCount(session), "one question to Stripe for ten polls on two instances");
        }
    }

    @Test
    void aSecondReconcileOnTheSameDatabaseSaysSoAndExitsZero() throws IOException {
        String db = TestPostgres.server().newDatabase();
        try (TestServer server = TestServer.start(dir.resolve("a"), Map.of("DB_URL", db))) {
            String paid = server.checkout(server.token("reconciled"), "popular");
            server.stripe().markPaid(paid);
            Path config = Files.writeString(dir.resolve("reconcile.properties"), String.join("\n",
                    "db.url=" + db,
                    "stripe.secret_key=" + TestServer.STRIPE_KEY,
                    "stripe.api_base=" + server.stripe().apiBase(),
                    "auth.jwt_secret=" + TestServer.JWT_SECRET, ""));
            Config loaded = ConfigLoader.load(Optional.of(config), Map.of());

            try (Database other = Database.openPostgres(loaded.dbAccess());
                    Database.RunLock running = other.tryRunLock("coinpurse-reconcile").orElseThrow()) {
                CliRun second = CliRun.run("reconcile", "--config", config.toString());
                assertEquals(0, second.exit(), second.err());
                assertTrue(second.out().contains("another reconcile is running"), second.out());
                assertEquals("pending", server.storedStatus(paid), "the second run did nothing");
            }

            CliRun alone = CliRun.run("reconcile", "--config", config.toString());
            assertEquals(0, alone.exit(), alone.err());
            assertEquals("completed", server.storedStatus(paid));
            assertEquals(1, server.purchaseRows(paid));
        }
    }
}
