package coinpurse;

import static coinpurse.support.StripeEvents.eventIdOf;
import static coinpurse.support.WebhookAssertions.assertCredited;
import static coinpurse.support.WebhookAssertions.assertNothingChanged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.settlement.StripeEventHandler;
import coinpurse.support.FakeStripeCliBackend;
import coinpurse.support.FakeStripeCliBackend.Forwarded;
import coinpurse.support.PendingCheckout;
import coinpurse.support.StripeCli;
import coinpurse.support.StripeEvents;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.Stripe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Stripe CLI lines, run as written with the real Stripe CLI from npm
 * ({@code @stripe/cli} 1.52.0, {@link StripeCli}) against a fake of its backend
 * ({@link FakeStripeCliBackend}, through the CLI's hidden {@code --api-base}), forwarding to the
 * real app: the secret {@code stripe listen --print-secret} prints is the one {@code stripe listen}
 * signs with, a server given it credits a paid checkout forwarded by the CLI, a server given
 * another refuses, and every event type the README's {@code --events} names gets through.
 */
class StripeCliTest {
    private static final String API_KEY = "sk_test_coinpurse_stripe_cli";
    /** Where the README forwards to; the test server's own port replaces 5000. */
    private static final String README_FORWARD_TO = "localhost:5000/api/payment/webhook";
    /**
     * Named in the README's {@code --events} already, and in {@link StripeEventHandler#HANDLED_TYPES}
     * once the early-fraud-warning work lands there; then this set is to go.
     */
    private static final Duration CLI_WITHIN = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static FakeStripeCliBackend backend;
    static String printedSecret;
    static TestServer server;
    static StripeCli.Running listening;

    @BeforeAll
    static void listenAsTheReadmeSays() throws IOException {
        Path home = Files.createDirectories(dir.resolve("cli-home"));
        StripeCli stripe = StripeCli.installed(home, API_KEY);
        backend = FakeStripeCliBackend.start(API_KEY);

        List<String> printSecret = withApiBase(readmePrintSecretCommand());
        StripeCli.Finished printed = stripe.run(printSecret, CLI_WITHIN);
        assertEquals(0, printed.exit(), "stripe " + printSecret + ":\n" + printed.output());
        printedSecret = printed.output().strip();

        server = TestServer.start(dir.resolve("server"), Map.of("STRIPE_WEBHOOK_SECRET", printedSecret));
        List<String> listen = new ArrayList<>(withApiBase(readmeListenCommand()));
        listen.set(listen.indexOf(README_FORWARD_TO), "localhost:" + server.port() + "/api/payment/webhook");
        listen.add("--skip-update"); // its check for a newer release would ask GitHub
        listening = stripe.start(listen);
        listening.awaitOutput("Ready!", CLI_WITHIN);
        backend.awaitListener(CLI_WITHIN);
    }

    @AfterAll
    static void stop() {
        if (listening != null) {
            listening.close();
            System.err.println("stripe listen printed:\n" + listening.output());
        }
        if (server != null) {
            server.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void printSecretPrintsTheSecretThatStripeListenSignsWithAndSaysSoWhenReady() {
        assertEquals(backend.webhookSecret(), printedSecret);
        assertTrue(listening.output().contains("Your webhook signing secret is " + printedSecret),
                listening.output());
        Map<String, List<String>> listenSession = backend.sessionRequests().get(1);
        assertEquals(List.of("localhost:" + server.port() + "/api/payment/webhook"),
                listenSession.get("forward_to_url"));
        assertEquals(List.of("webhooks"), listenSession.get("websocket_features[]"));
    }

    @Test
    void aPaidCheckoutForwardedByStripeListenLandsItsCoins() {
        PendingCheckout checkout = PendingCheckout.create(server, "stripe-listen");
        String event = server.paidEvent(checkout.sessionId());

        Forwarded answer = backend.deliver(event);

        assertEquals(200, answer.status(), answer.body());
        assertCredited(server, checkout);
        assertTrue(backend.acknowledgedEvents().contains(eventIdOf(event)));
        assertEquals(List.of(), backend.unexpected());
    }

    @Test
    void anEventSignedWithAnotherSecretThanTheSessionsIsRefused400() {
        PendingCheckout checkout = PendingCheckout.create(server, "dashboard-secret");
        String event = server.paidEvent(checkout.sessionId());

        Forwarded answer = backend.deliver(event, "whsec_of_a_dashboard_endpoint");

        assertEquals(400, answer.status(), answer.body());
        assertTrue(answer.body().contains("invalid_signature"), answer.body());
        assertNothingChanged(server, checkout, eventIdOf(event));
    }

    @Test
    void theReadmeNamesTheEventTypesCoinpurseHandlesAndStripeListenForwardsEachOne() {
        Set<String> named = eventsNamed(readmeListenCommand());
        Set<String> handled = new TreeSet<>(StripeEventHandler.HANDLED_TYPES);
        assertEquals(handled, new TreeSet<>(named), "the README's --events and what coinpurse handles");

        for (String type : named) {
            // An object of no payment of ours: acknowledged, answered 200, and recorded, whatever the type.
            String event = StripeEvents.event(StripeEvents.newEventId(), type,
                    JSON.createObjectNode().put("id", "obj_test_" + type.replace('.', '_')), Stripe.API_VERSION);

            Forwarded answer = backend.deliver(event);

            assertEquals(200, answer.status(), type + ": " + answer.body());
            assertNotNull(server.eventOutcome(eventIdOf(event)), type);
        }
    }

    /** The arguments of the README's {@code stripe listen --forward-to …} command, after {@code stripe}. */
    static List<String> readmeListenCommand() {
        List<String> lines = readme();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("stripe listen --forward-to ")) {
                StringBuilder command = new StringBuilder();
                int at = i;
                while (lines.get(at).endsWith("\\")) {
                    command.append(lines.get(at), 0, lines.get(at).length() - 1).append(' ');
                    at++;
                }
                command.append(lines.get(at));
                return argumentsAfterStripe(command.toString());
            }
        }
        throw new AssertionError("README.md has no line starting with \"stripe listen --forward-to \"");
    }

    /** The arguments of the README's {@code $(stripe listen --print-secret)}, after {@code stripe}. */
    static List<String> readmePrintSecretCommand() {
        for (String line : readme()) {
            int start = line.indexOf("$(stripe listen --print-secret");
            if (start >= 0) {
                return argumentsAfterStripe(line.substring(start + 2, line.indexOf(')', start)));
            }
        }
        throw new AssertionError("README.md does not feed STRIPE_WEBHOOK_SECRET from $(stripe listen --print-secret)");
    }

    private static Set<String> eventsNamed(List<String> args) {
        Set<String> events = new LinkedHashSet<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--events")) {
                events.addAll(Arrays.asList(args.get(i + 1).split(",")));
            }
        }
        return events;
    }

    private static List<String> argumentsAfterStripe(String command) {
        List<String> words = List.of(command.trim().split("\\s+"));
        assertEquals("stripe", words.get(0), command);
        assertTrue(words.stream().noneMatch(word -> word.startsWith("#") || word.contains("\"")
                || word.contains("'")), "a plain command, no comment or quoting: " + command);
        return words.subList(1, words.size());
    }

    private static List<String> withApiBase(List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.add("--api-base");
        all.add(backend.apiBase());
        return all;
    }

    private static List<String> readme() {
        try {
            return Files.readAllLines(Path.of("README.md"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
