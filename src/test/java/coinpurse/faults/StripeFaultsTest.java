package coinpurse.faults;

import static coinpurse.support.JsonAssertions.assertJsonError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.checkout.CheckoutController;
import coinpurse.support.Concurrently;
import coinpurse.support.FakeStripe;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.param.checkout.SessionCreateParams;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Stripe failing on create-checkout-session: answering 500, never answering in time, or
 * closing the connection without a word. Each is a 502 JSON error within a bound that follows
 * from {@code stripe.timeout_seconds}, records no {@code pending} row, and leaves no thread
 * behind: afterwards nothing is still inside stripe-java or the checkout handler, Jetty's busy
 * threads are back at their idle level, and 20 checkouts at once all succeed.
 */
@Tag("slow")
class StripeFaultsTest {
    private static final String CREATE = "/api/payment/create-checkout-session";
    private static final String POPULAR = "{\"package_id\": \"popular\"}";

    /** The configured {@code stripe.timeout_seconds}, kept small so that the timeout case is quick. */
    private static final int TIMEOUT_SECONDS = 1;
    private static final Duration TIMEOUT = Duration.ofSeconds(TIMEOUT_SECONDS);
    /**
     * The longest a failed checkout may take: two attempts of {@link #TIMEOUT} each (one retry),
     * plus stripe-java's pause between them and room for a loaded 2-core CI machine. A
     * correctness bound, not a benchmark: without the timeout the answer would take the fake's
     * full {@link #STRIPE_STALL} per attempt, or never come.
     */
    private static final Duration BOUND = TIMEOUT.multipliedBy(2).plusSeconds(5);
    /** How long the stalling fake waits before answering: one such wait alone breaks the bound. */
    private static final Duration STRIPE_STALL = BOUND.plusSeconds(1);
    private static final Duration DRAIN = Duration.ofSeconds(10);
    private static final int FAULTY_REQUESTS = 5;
    private static final int NORMAL_REQUESTS = 20;

    /** One way for Stripe to fail, switched on and off on the fake. */
    enum Fault {
        ANSWERS_500(fake -> fake.failCreatesWith(500), fake -> fake.failCreatesWith(0)),
        TIMES_OUT(fake -> fake.delayResponses(STRIPE_STALL), fake -> fake.delayResponses(Duration.ZERO)),
        CLOSES_THE_CONNECTION(fake -> fake.dropConnections(true), fake -> fake.dropConnections(false));

        final Consumer<FakeStripe> on;
        final Consumer<FakeStripe> off;

        Fault(Consumer<FakeStripe> on, Consumer<FakeStripe> off) {
            this.on = on;
            this.off = off;
        }
    }

    private record Timed(String user, HttpResponse<String> response, Duration took) {}

    @RunningServer(env = {"STRIPE_TIMEOUT_SECONDS=" + TIMEOUT_SECONDS})
    static TestServer server;
    static int idleBusyThreads;

    @BeforeAll
    static void warm() throws Exception {
        // Warm: stripe-java, Jackson and Jetty have served a checkout before the baseline is read.
        assertAllSucceed(checkoutsAtOnce(NORMAL_REQUESTS, "warm"));
        idleBusyThreads = awaitIdle(Integer.MAX_VALUE);
    }

    @AfterEach
    void healStripe() {
        for (Fault fault : Fault.values()) {
            fault.off.accept(server.stripe());
        }
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void eachFaultIs502WithinTheBoundWithNoPendingRowAndNoThreadLeftBehind(Fault fault) throws Exception {
        int droppedBefore = server.stripe().droppedConnections();

        fault.on.accept(server.stripe());
        List<Timed> answers;
        try {
            answers = checkoutsAtOnce(FAULTY_REQUESTS, fault.name());
        } finally {
            fault.off.accept(server.stripe());
        }

        for (Timed answer : answers) {
            assertEquals(502, answer.response().statusCode(), answer.response().body());
            assertEquals("stripe_unavailable", assertJsonError(answer.response()).get("error").asText());
            assertTrue(answer.took().compareTo(BOUND) <= 0, fault + " answered in " + answer.took()
                    + ", over the bound " + BOUND);
            assertEquals(0, pendingRows(answer.user()), "no pending row for " + answer.user());
        }
        switch (fault) {
            case ANSWERS_500 -> assertTrue(answers.stream().allMatch(a -> createsFor(a.user()) >= 1),
                    "every request reached Stripe and was refused");
            case TIMES_OUT -> assertTrue(answers.stream().allMatch(a -> a.took().compareTo(TIMEOUT) >= 0),
                    "every request waited for the timeout: " + answers.stream().map(Timed::took).toList());
            case CLOSES_THE_CONNECTION -> assertTrue(
                    server.stripe().droppedConnections() - droppedBefore >= FAULTY_REQUESTS,
                    "each request's connection was closed unanswered");
        }

        awaitIdle(idleBusyThreads);
        List<Timed> after = checkoutsAtOnce(NORMAL_REQUESTS, "after-" + fault.name());
        assertAllSucceed(after);
        for (Timed answer : after) {
            assertEquals(1, pendingRows(answer.user()), answer.user());
        }
    }

    /** The connection-closing fault is a real I/O failure to stripe-java, not an HTTP error. */
    @Test
    void aDroppedConnectionReachesStripeJavaAsAnIOException() {
        StripeClient client = new StripeClient.StripeClientBuilder()
                .setApiKey(TestServer.STRIPE_KEY)
                .setApiBase(server.stripe().apiBase())
                .setMaxNetworkRetries(0)
                .build();
        SessionCreateParams params = SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.PAYMENT)
                .setSuccessUrl("http://localhost:5173/ok")
                .addLineItem(SessionCreateParams.LineItem.builder().setQuantity(1L).setPrice("price_x").build())
                .build();

        server.stripe().dropConnections(true);
        ApiConnectionException failure = assertThrows(ApiConnectionException.class,
                () -> client.v1().checkout().sessions().create(params));

        assertInstanceOf(IOException.class, failure.getCause(), String.valueOf(failure.getCause()));
    }

    // ---- helpers ----

    /** {@code count} checkouts at the same moment, each by a user of its own (so no rate limit bites). */
    private static List<Timed> checkoutsAtOnce(int count, String label) throws Exception {
        String run = label + "-" + UUID.randomUUID().toString().substring(0, 8);
        return Concurrently.allAtOnce(count, i -> () -> {
            String user = run + "-" + i;
            String token = server.token(user);
            long started = System.nanoTime();
            HttpResponse<String> response = server.post(CREATE, POPULAR, token);
            return new Timed(user, response, Duration.ofNanos(System.nanoTime() - started));
        });
    }

    private static void assertAllSucceed(List<Timed> answers) {
        for (Timed answer : answers) {
            assertEquals(200, answer.response().statusCode(), answer.response().body());
            assertTrue(TestServer.json(answer.response()).path("session_id").asText().startsWith("cs_test_"));
        }
    }

    private static long pendingRows(String user) {
        return server.queryLong("SELECT COUNT(*) FROM payment_sessions WHERE user_id = ?", user);
    }

    private static long createsFor(String user) {
        return server.stripe().createRequests().stream()
                .filter(sent -> user.equals(sent.get("client_reference_id")))
                .count();
    }

    /**
     * Waits (bounded) until no thread is inside stripe-java or the checkout handler and Jetty's
     * busy threads are at most {@code limit}; returns the busy count then. A worker stuck on a
     * Stripe call would keep both up until the deadline, and fail here with its stack.
     */
    private static int awaitIdle(int limit) throws InterruptedException {
        QueuedThreadPool pool = (QueuedThreadPool) server.javalin().jettyServer().threadPool();
        long deadline = System.nanoTime() + DRAIN.toNanos();
        while (true) {
            Map<Thread, StackTraceElement[]> busy = threadsInStripeOrCheckout();
            int jettyBusy = pool.getBusyThreads();
            if (busy.isEmpty() && jettyBusy <= limit) {
                return jettyBusy;
            }
            if (System.nanoTime() > deadline) {
                String stacks = busy.entrySet().stream()
                        .map(e -> e.getKey().getName() + "\n\t" + Arrays.stream(e.getValue())
                                .map(StackTraceElement::toString).collect(Collectors.joining("\n\t")))
                        .collect(Collectors.joining("\n"));
                assertTrue(busy.isEmpty(), "threads still inside Stripe or the checkout after " + DRAIN
                        + ":\n" + stacks);
                assertTrue(jettyBusy <= limit, "Jetty has " + jettyBusy + " busy threads " + DRAIN
                        + " after the faults, idle level " + limit);
            }
            Thread.sleep(20);
        }
    }

    private static Map<Thread, StackTraceElement[]> threadsInStripeOrCheckout() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> Arrays.stream(e.getValue()).anyMatch(frame ->
                        frame.getClassName().startsWith("com.stripe.")
                                || frame.getClassName().equals(CheckoutController.class.getName())))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
