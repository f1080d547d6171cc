package coinpurse.hostile;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import coinpurse.support.StripeEvents;
import coinpurse.support.TestServer;
import coinpurse.support.WebhookSigner;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random and adversarial input at every route: bodies, headers, paths, query strings, user
 * tokens, Stripe signatures and JSON edge cases, sent as real HTTP over a raw socket (so that
 * requests the JDK client refuses to send, such as invalid UTF-8 or broken chunking, go out too).
 * Whatever arrives: never a 5xx, never a stack trace or internal detail, every error the
 * SPEC's JSON with nosniff, only the SPEC's status codes, and not one coin moved (balances and
 * ledger read with SQL after every try).
 */
class HostileInputTest {
    private static final String INTERNAL_KEY = "hostile-internal-key-0123456789";
    private static final String COOKIE = "cp_token";
    private static final String CREATE = "/api/payment/create-checkout-session";
    private static final String WEBHOOK = "/api/payment/webhook";
    private static final int TEN_MB = 10 * 1024 * 1024;
    /** In a generated Stripe-Signature: send no such header at all. */
    private static final String NO_HEADER = "(no header)";

    /**
     * Every status the SPEC may answer here, and the three HTTP itself defines for requests Jetty
     * refuses before the app (URI too long, an Expect it cannot meet, headers too large).
     */
    private static final Set<Integer> SPEC_STATUSES = Set.of(200, 400, 401, 404, 405, 409, 413, 414, 415, 417, 429, 431);
    /** Words that only a stack trace, an SQL error or a framework's page would put in a body. */
    private static final List<String> LEAKS = List.of(
            "exception", "at coinpurse", "sql", "org.", "java.", "jetty", "javalin", "<html", "\tat ");

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static Path dir;
    private static TestServer server;
    private static ExecutorService writers;
    private static KeyPair rsa;

    /** A user with no coins, for the user routes. */
    private static String fuzzToken;
    /** A completed purchase of "hi-buyer", for the status route. */
    private static String buyerToken;
    private static String buyerSession;
    /** A pending session of "hi-pending" and the paid event that would credit it if it got through. */
    private static String pendingSession;
    private static String pendingPaidEvent;
    /** What must still hold after every try. */
    private static Money expected;

    @BeforeContainer
    static void start() throws Exception {
        dir = Files.createTempDirectory("coinpurse-hostile");
        server = TestServer.start(dir, Map.of(
                "INTERNAL_API_KEY", INTERNAL_KEY,
                "AUTH_COOKIE_NAME", COOKIE,
                // This class is about input; the limit has tests of its own below.
                "RATELIMIT_CHECKOUT_PER_MINUTE", "100000"));
        writers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "hostile-writer");
            thread.setDaemon(true);
            return thread;
        });
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        rsa = generator.generateKeyPair();

        fuzzToken = server.token("hi-fuzz");
        Answer grant = send(Req.post("/api/internal/coins/grant",
                "{\"user_id\": \"hi-rich\", \"amount\": 1000, \"idempotency_key\": \"hi-seed\"}")
                .header("Authorization", "Bearer " + INTERNAL_KEY));
        assertEquals(200, grant.status(), grant.body());

        buyerToken = server.token("hi-buyer");
        buyerSession = server.checkout(buyerToken, "popular");
        assertEquals(200, server.deliver(server.paidEvent(buyerSession)).statusCode());

        pendingSession = server.checkout(server.token("hi-pending"), "popular");
        ObjectNode paid = server.stripe().session(pendingSession)
                .put("status", "complete")
                .put("payment_status", "paid")
                .put("payment_intent", "pi_test_hostile_pending");
        pendingPaidEvent = StripeEvents.checkoutEvent(StripeEvents.newEventId(), "checkout.session.completed", paid);

        expected = Money.read();
        assertEquals(Map.of("hi-rich", 1000L, "hi-buyer", 550L), expected.balances());
    }

    @AfterContainer
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (writers != null) {
            writers.shutdownNow();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    // =====================================================================================
    // Bodies at every route
    // =====================================================================================

    enum Route {
        HEALTH("GET", "/health", Caller.ANYONE),
        PACKAGES("GET", "/api/payment/packages", Caller.ANYONE),
        CREATE_SESSION("POST", CREATE, Caller.USER),
        STATUS("GET", "/api/payment/status/", Caller.USER),
        STRIPE_WEBHOOK("POST", WEBHOOK, Caller.STRIPE),
        BALANCE("GET", "/api/coins/balance", Caller.USER),
        HISTORY("GET", "/api/coins/history", Caller.USER),
        SPEND("POST", "/api/internal/coins/spend", Caller.INTERNAL),
        GRANT("POST", "/api/internal/coins/grant", Caller.INTERNAL),
        UNKNOWN("POST", "/api/coins/transfer", Caller.ANYONE);

        final String method;
        final String path;
        final Caller caller;

        Route(String method, String path, Caller caller) {
            this.method = method;
            this.path = path;
            this.caller = caller;
        }

        String path() {
            return this == STATUS ? path + buyerSession : path;
        }
    }

    enum Caller { ANYONE, USER, STRIPE, INTERNAL }

    /** Who the request claims to be. */
    enum Credential {
        NONE, USER_TOKEN, USER_COOKIE, INTERNAL_KEY, WRONG_INTERNAL_KEY, GARBAGE;

        Req apply(Req request) {
            return switch (this) {
                case NONE -> request;
                case USER_TOKEN -> request.header("Authorization", "Bearer " + fuzzToken);
                case USER_COOKIE -> request.header("Cookie", COOKIE + "=" + fuzzToken);
                case INTERNAL_KEY -> request.header("Authorization", "Bearer " + HostileInputTest.INTERNAL_KEY);
                case WRONG_INTERNAL_KEY -> request.header("Authorization",
                        "Bearer " + HostileInputTest.INTERNAL_KEY.toUpperCase(Locale.ROOT));
                case GARBAGE -> request.header("Authorization", "Bearer \u00e9\u00e9.\u00ff.%00");
            };
        }

        boolean admits(Caller caller) {
            return switch (caller) {
                case ANYONE, STRIPE -> true;
                case USER -> this == USER_TOKEN || this == USER_COOKIE;
                case INTERNAL -> this == INTERNAL_KEY;
            };
        }
    }

    @Property(tries = 200)
    void anyBodyAtAnyRouteGetsASpecAnswerAndMovesNoCoin(
            @ForAll Route route,
            @ForAll Credential credential,
            @ForAll("bodies") byte[] body,
            @ForAll("contentTypes") String contentType,
            @ForAll boolean chunked,
            @ForAll("stripeSignatures") String signature) {
        Req request = credential.apply(new Req(route.method, route.path()).body(body, chunked));
        if (!contentType.isEmpty()) {
            request = request.header("Content-Type", contentType);
        }
        if (route == Route.STRIPE_WEBHOOK && !signature.equals(NO_HEADER)) {
            request = request.header("Stripe-Signature", signature);
        }

        Answer answer = assertSpecAnswer(request);

        int status = answer.status();
        switch (route.caller) {
            case ANYONE -> assertEquals(route == Route.UNKNOWN ? 404 : 200, status, answer.toString());
            case USER -> {
                if (!credential.admits(Caller.USER)) {
                    assertEquals(401, status, answer.toString());
                } else if (route.method.equals("POST") && !isJson(contentType)) {
                    assertEquals(415, status, answer.toString());
                }
            }
            // None of these bodies is signed with the webhook secret (431: a signature of 20 kB).
            case STRIPE -> assertTrue(status == 400 || status == 413 || status == 431, answer.toString());
            // None of these bodies is a valid spend or grant: the generators never make a valid amount.
            case INTERNAL -> {
                if (credential.admits(Caller.INTERNAL) && !isJson(contentType)) {
                    assertEquals(415, status, answer.toString());
                } else if (credential.admits(Caller.INTERNAL)) {
                    assertTrue(status == 400 || status == 413, answer.toString());
                } else {
                    assertEquals(401, status, answer.toString());
                }
            }
        }
        assertNoCoinMoved();
    }

    @Property(tries = 150)
    void aWrongMethodAtAnyRouteIsAJsonNotFound(
            @ForAll Route route,
            @ForAll("methods") String method,
            @ForAll Credential credential,
            @ForAll("bodies") byte[] body) {
        // OPTIONS is CORS's preflight, answered on every path; HEAD is GET without the body.
        if (method.equals(route.method) || method.equals("OPTIONS") || method.equals("HEAD") && route.method.equals("GET")) {
            method = route.method.equals("GET") ? "DELETE" : "PUT";
        }
        Answer answer = assertSpecAnswer(credential.apply(new Req(method, route.path()).body(body, false)));

        assertTrue(answer.status() == 404 || answer.status() == 405, answer.toString());
        assertNoCoinMoved();
    }

    /** A webhook body signed with the real secret but hostile inside: parsed safely, never credited. */
    @Property(tries = 150)
    void signedButHostileEventsAreAnsweredAndCreditNothing(@ForAll("hostileEvents") String event) {
        Answer answer = assertSpecAnswer(Req.post(WEBHOOK, event)
                .header("Stripe-Signature", WebhookSigner.sign(event, TestServer.WEBHOOK_SECRET)));

        assertTrue(answer.status() == 200 || answer.status() == 400, answer.toString());
        assertNoCoinMoved();
    }

    // =====================================================================================
    // JSON edge cases, one by one
    // =====================================================================================

    /** Bodies that are not one valid request of any route, however they are read. */
    private static Map<String, byte[]> jsonEdgeCases() {
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("nesting 100 000 arrays deep", ("[".repeat(100_000) + "]".repeat(100_000)).getBytes(UTF_8));
        cases.put("nesting 20 000 objects deep",
                ("{\"package_id\":".repeat(20_000) + "1" + "}".repeat(20_000)).getBytes(UTF_8));
        cases.put("unclosed nesting", "[".repeat(50_000).getBytes(UTF_8));
        cases.put("1e400", "{\"package_id\": 1e400, \"user_id\": 1e400, \"amount\": 1e400}".getBytes(UTF_8));
        cases.put("price 1e400", "{\"coins\": 500, \"bonus\": 50, \"price_usd\": 1e400}".getBytes(UTF_8));
        cases.put("price 1e999999999", "{\"coins\": 500, \"bonus\": 50, \"price_usd\": 1e999999999}".getBytes(UTF_8));
        cases.put("price 1e-999999999", "{\"coins\": 500, \"bonus\": 50, \"price_usd\": 1e-999999999}".getBytes(UTF_8));
        cases.put("price 1e2147483648", "{\"coins\": 500, \"bonus\": 50, \"price_usd\": 1e2147483648}".getBytes(UTF_8));
        cases.put("price -1e-2147483649", "{\"coins\": 500, \"bonus\": 50, \"price_usd\": -1e-2147483649}".getBytes(UTF_8));
        cases.put("10^100 as digits", ("{\"coins\": 1" + "0".repeat(100) + ", \"price_usd\": 19.99, \"amount\": 1"
                + "0".repeat(100) + ", \"user_id\": \"hi-rich\", \"idempotency_key\": \"k-10e100\"}").getBytes(UTF_8));
        cases.put("amount 2^63", "{\"user_id\": \"hi-rich\", \"amount\": 9223372036854775808, \"idempotency_key\": \"k-2p63\"}"
                .getBytes(UTF_8));
        cases.put("amount -0", "{\"user_id\": \"hi-rich\", \"amount\": -0, \"idempotency_key\": \"k-m0\", \"coins\": -0, \"price_usd\": -0}"
                .getBytes(UTF_8));
        cases.put("amount -0.0", "{\"user_id\": \"hi-rich\", \"amount\": -0.0, \"idempotency_key\": \"k-m00\"}".getBytes(UTF_8));
        cases.put("amount 1e3", "{\"user_id\": \"hi-rich\", \"amount\": 1e3, \"idempotency_key\": \"k-1e3\"}".getBytes(UTF_8));
        cases.put("amount NaN", "{\"user_id\": \"hi-rich\", \"amount\": NaN, \"idempotency_key\": \"k-nan\"}".getBytes(UTF_8));
        cases.put("amount Infinity", "{\"user_id\": \"hi-rich\", \"amount\": -Infinity, \"idempotency_key\": \"k-inf\"}"
                .getBytes(UTF_8));
        cases.put("amount with leading zeros", "{\"user_id\": \"hi-rich\", \"amount\": 0005, \"idempotency_key\": \"k-lz\"}"
                .getBytes(UTF_8));
        cases.put("amount hex", "{\"user_id\": \"hi-rich\", \"amount\": 0x10, \"idempotency_key\": \"k-hex\"}".getBytes(UTF_8));
        cases.put("duplicate keys", ("{\"user_id\": \"hi-rich\", \"amount\": 5, \"amount\": 6, \"idempotency_key\": \"k-dup\","
                + " \"package_id\": \"popular\", \"package_id\": \"starter\"}").getBytes(UTF_8));
        cases.put("duplicate keys, same value", ("{\"user_id\": \"hi-rich\", \"user_id\": \"hi-rich\", \"amount\": 5,"
                + " \"idempotency_key\": \"k-dup2\", \"package_id\": \"popular\", \"package_id\": \"popular\"}").getBytes(UTF_8));
        cases.put("wrong types", ("{\"user_id\": [\"hi-rich\"], \"amount\": \"5\", \"idempotency_key\": {\"k\": 1},"
                + " \"package_id\": [\"popular\"], \"reason\": 7}").getBytes(UTF_8));
        cases.put("escaped NUL", "{\"user_id\": \"hi-rich\\u0000\", \"amount\": \"1\\u0000\", \"package_id\": \"popular\\u0000\"}"
                .getBytes(UTF_8));
        cases.put("raw NUL byte", "{\"package_id\": \"pop\u0000ular\", \"user_id\": \"hi\u0000rich\", \"amount\": 5}"
                .getBytes(UTF_8));
        cases.put("only NUL bytes", new byte[4096]);
        cases.put("invalid UTF-8", concat("{\"package_id\": \"".getBytes(UTF_8), new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc0,
                (byte) 0x80, (byte) 0xed, (byte) 0xa0, (byte) 0x80}, "\", \"amount\": 5}".getBytes(UTF_8)));
        cases.put("UTF-8 BOM before an unknown package", concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf},
                "{\"package_id\": \"no-such-package\", \"amount\": \"5\"}".getBytes(UTF_8)));
        cases.put("UTF-16", "{\"package_id\": \"popular\", \"amount\": 5}".getBytes(java.nio.charset.StandardCharsets.UTF_16));
        cases.put("lone surrogate escape", "{\"package_id\": \"\\ud800\", \"user_id\": \"\\udfff\", \"amount\": 5}".getBytes(UTF_8));
        cases.put("empty body", new byte[0]);
        cases.put("whitespace only", " \r\n\t ".getBytes(UTF_8));
        cases.put("null", "null".getBytes(UTF_8));
        cases.put("a bare string", "\"popular\"".getBytes(UTF_8));
        cases.put("an array of a request", "[{\"package_id\": \"popular\"}]".getBytes(UTF_8));
        cases.put("trailing garbage", "{\"package_id\": \"no-such\"} {\"package_id\": \"popular\"}".getBytes(UTF_8));
        cases.put("comments", "{/* c */ \"package_id\": \"popular\" // c\n}".getBytes(UTF_8));
        cases.put("single quotes", "{'package_id': 'popular'}".getBytes(UTF_8));
        cases.put("unquoted keys", "{package_id: \"popular\"}".getBytes(UTF_8));
        cases.put("trailing comma", "{\"package_id\": \"popular\",}".getBytes(UTF_8));
        cases.put("form encoding", "package_id=popular&amount=5".getBytes(UTF_8));
        cases.put("a 900 kB string", ("{\"package_id\": \"" + "x".repeat(900_000) + "\"}").getBytes(UTF_8));
        cases.put("50 000 keys", ("{" + java.util.stream.IntStream.range(0, 50_000)
                .mapToObj(i -> "\"k" + i + "\":" + i).collect(Collectors.joining(",")) + "}").getBytes(UTF_8));
        cases.put("a 10 kB key", ("{\"" + "k".repeat(10_000) + "\": 1, \"amount\": \"x\"}").getBytes(UTF_8));
        cases.put("a 1 MiB body and one byte", new byte[1024 * 1024 + 1]);
        return cases;
    }

    @Example
    void jsonEdgeCasesAreRefusedAsBadRequestsAtEveryJsonRoute() {
        for (Map.Entry<String, byte[]> edge : jsonEdgeCases().entrySet()) {
            String name = edge.getKey();
            byte[] body = edge.getValue();
            int tooLarge = body.length > 1024 * 1024 ? 413 : 400;
            for (boolean chunked : new boolean[] {false, true}) {
                Answer create = assertSpecAnswer(Req.post(CREATE, body, chunked).header("Authorization", "Bearer " + fuzzToken));
                assertEquals(tooLarge, create.status(), name + ": " + create);
                for (String path : List.of("/api/internal/coins/spend", "/api/internal/coins/grant")) {
                    Answer internal = assertSpecAnswer(Req.post(path, body, chunked)
                            .header("Authorization", "Bearer " + INTERNAL_KEY));
                    assertEquals(tooLarge, internal.status(), name + " at " + path + ": " + internal);
                }
                Answer unsigned = assertSpecAnswer(Req.post(WEBHOOK, body, chunked).header("Stripe-Signature", "t=1,v1=00"));
                assertEquals(tooLarge, unsigned.status(), name + ": " + unsigned);
                // Signed with the real secret: only the parser stands between it and the database.
                String text = new String(body, UTF_8);
                Answer signed = assertSpecAnswer(Req.post(WEBHOOK, body, chunked)
                        .header("Stripe-Signature", WebhookSigner.sign(text, TestServer.WEBHOOK_SECRET)));
                assertEquals(tooLarge, signed.status(), name + ": " + signed);
            }
            assertNoCoinMoved();
        }
    }

    /**
     * JSON is UTF-8 whatever charset the Content-Type names (an unknown one was once a 500); a media
     * type other than application/json is a 415, except at the webhook, which reads what Stripe sends.
     */
    @Example
    void everyContentTypeAtEveryJsonRouteIsReadAsJsonOrRefusedAs415() {
        String unknownPackage = "{\"package_id\": \"no-such-package\"}";
        for (String contentType : contentTypes().allValues().orElseThrow().toList()) {
            List<Req> requests = List.of(
                    new Req("POST", CREATE).header("Authorization", "Bearer " + fuzzToken),
                    new Req("POST", "/api/internal/coins/spend").header("Authorization", "Bearer " + INTERNAL_KEY),
                    new Req("POST", "/api/internal/coins/grant").header("Authorization", "Bearer " + INTERNAL_KEY),
                    new Req("POST", WEBHOOK).header("Stripe-Signature",
                            WebhookSigner.sign(unknownPackage, TestServer.WEBHOOK_SECRET)));
            for (Req request : requests) {
                if (!contentType.isEmpty()) {
                    request = request.header("Content-Type", contentType);
                }
                Answer answer = assertSpecAnswer(request.body(unknownPackage.getBytes(UTF_8), false));

                boolean read = request.target.equals(WEBHOOK) || isJson(contentType);
                assertEquals(read ? 400 : 415, answer.status(), contentType + " at " + request.target + ": " + answer);
                if (!read) {
                    assertEquals("unsupported_media_type", json(answer).get("error").asText());
                }
            }
        }
        assertNoCoinMoved();
    }

    /** 1e999999999's plain form is a billion digits: once it took the server's whole heap. */
    @Example
    void absurdExponentsAreAnsweredQuicklyAndBriefly() {
        // Mildest first, so that a regression fails on length before it can exhaust the heap.
        for (String price : List.of("1e400", "1e-400", "1e2147483648", "1e-2147483649", "123456789.123456789e-100000000",
                "1e999999999", "-1e999999999", "1e-999999999", "1e2147483647", "1e-2147483648")) {
            long started = System.nanoTime();
            Answer answer = assertSpecAnswer(Req.post(CREATE, "{\"coins\": 500, \"bonus\": 50, \"price_usd\": " + price + "}")
                    .header("Authorization", "Bearer " + fuzzToken));
            long millis = (System.nanoTime() - started) / 1_000_000;

            assertEquals(400, answer.status(), price + ": " + answer);
            assertTrue(millis < 2_000, price + " took " + millis + " ms");
            assertTrue(answer.body().length() < 400, price + ": " + answer.body().length() + " characters");
        }
        assertNoCoinMoved();
    }

    @Example
    void tenMegabyteBodiesAre413WithOrWithoutAContentLength() {
        byte[] huge = new byte[TEN_MB];
        java.util.Arrays.fill(huge, (byte) ' ');
        huge[0] = '[';
        huge[huge.length - 1] = ']';
        for (boolean chunked : new boolean[] {false, true}) {
            List<Req> requests = List.of(
                    Req.post(CREATE, huge, chunked).header("Authorization", "Bearer " + fuzzToken),
                    Req.post(WEBHOOK, huge, chunked).header("Stripe-Signature", "t=1,v1=00"),
                    Req.post("/api/internal/coins/spend", huge, chunked).header("Authorization", "Bearer " + INTERNAL_KEY),
                    Req.post("/api/internal/coins/grant", huge, chunked).header("Authorization", "Bearer " + INTERNAL_KEY));
            for (Req request : requests) {
                Answer answer = assertSpecAnswer(request);
                assertEquals(413, answer.status(), request.target + " chunked=" + chunked + ": " + answer);
                assertEquals("payload_too_large", json(answer).get("error").asText());
            }
        }
        assertNoCoinMoved();
    }

    // =====================================================================================
    // Broken framing: what Jetty itself refuses, or notices only while the body is read
    // =====================================================================================

    /**
     * Malformed requests, written byte for byte, and the status each must get. Jetty refuses all of
     * them before Javalin sees them, except bare LF line ends, which HTTP/1.1 lets a server accept.
     */
    private static Map<String, Integer> malformedRequests() {
        String ok = "Host: x\r\nConnection: close\r\n";
        Map<String, Integer> requests = new LinkedHashMap<>();
        requests.put("GARBAGE\r\n\r\n", 400);
        requests.put("GET\r\n\r\n", 400);
        requests.put("GET /health HTTP/1.1\r\nConnection: close\r\n\r\n", 400);
        requests.put("GET /health HTTP/9.9\r\n" + ok + "\r\n", 400);
        requests.put("GET /health HTTP/1.1\r\nHost: x\r\nHost: y\r\nConnection: close\r\n\r\n", 400);
        requests.put("GET http://elsewhere.example/health HTTP/1.1\r\n" + ok + "\r\n", 400);
        requests.put("GET * HTTP/1.1\r\n" + ok + "\r\n", 400);
        requests.put("GET /api/payment/status/cs_%00 HTTP/1.1\r\n" + ok + "Authorization: Bearer TOKEN\r\n\r\n", 400);
        requests.put("GET /api/coins/balance%00 HTTP/1.1\r\n" + ok + "\r\n", 400);
        requests.put("GET /h\u00ffalth HTTP/1.1\r\n" + ok + "\r\n", 400);
        requests.put("GET /h%ffalth HTTP/1.1\r\n" + ok + "\r\n", 400);
        requests.put("GET /h%zzalth HTTP/1.1\r\n" + ok + "\r\n", 400);
        requests.put("GET /%c0%ae%c0%ae/health HTTP/1.1\r\n" + ok + "\r\n", 400);
        requests.put("GET /../../etc/passwd HTTP/1.1\r\n" + ok + "\r\n", 400);
        requests.put("GET /api\\coins\\balance HTTP/1.1\r\n" + ok + "\r\n", 400);
        requests.put("GET /health HTTP/1.1\r\n" + ok + "X-A: a\u0000b\r\n\r\n", 400);
        requests.put("GET /api/coins/balance HTTP/1.1\r\n" + ok + "Authorization: Bearer a\u0001b\r\n\r\n", 400);
        requests.put("GET /api/coins/balance HTTP/1.1\r\n" + ok + "Authorization: Bearer a\rb\r\n\r\n", 400);
        requests.put("GET /health HTTP/1.1\nHost: x\nConnection: close\n\n", 200);
        requests.put("GET /health HTTP/1.1\r\n" + ok + "X-A: a\r\n folded\r\n\r\n", 400);
        requests.put("GET /health HTTP/1.1\r\n" + ok + "X A: a\r\n\r\n", 400);
        requests.put("GET /health HTTP/1.1\r\n" + ok + ": empty-name\r\n\r\n", 400);
        requests.put("GET /health HTTP/1.1\r\n" + ok + "X-Big: " + "b".repeat(20_000) + "\r\n\r\n", 431);
        requests.put("GET /health HTTP/1.1\r\n" + ok + "Authorization: Bearer " + "t".repeat(64_000) + "\r\n\r\n", 431);
        requests.put("GET /" + "p".repeat(20_000) + " HTTP/1.1\r\n" + ok + "\r\n", 414);
        requests.put("GET /api/coins/history?limit=" + "9".repeat(20_000) + " HTTP/1.1\r\n" + ok + "\r\n", 414);
        requests.put("POST " + WEBHOOK + " HTTP/1.1\r\n" + ok + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n123456", 400);
        requests.put("POST " + WEBHOOK + " HTTP/1.1\r\n" + ok + "Content-Length: abc\r\n\r\n{}", 400);
        requests.put("POST " + WEBHOOK + " HTTP/1.1\r\n" + ok + "Content-Length: -1\r\n\r\n{}", 400);
        requests.put("POST " + WEBHOOK + " HTTP/1.1\r\n" + ok + "Content-Length: 99999999999999999999\r\n\r\n{}", 400);
        requests.put("POST " + WEBHOOK + " HTTP/1.1\r\n" + ok + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                400);
        requests.put("POST " + WEBHOOK + " HTTP/1.1\r\n" + ok + "Transfer-Encoding: gzip, chunked, chunked\r\n\r\n0\r\n\r\n", 400);
        return requests;
    }

    @Example
    void requestsJettyRefusesAreJsonErrorsWithNosniff() {
        for (Map.Entry<String, Integer> malformed : malformedRequests().entrySet()) {
            String request = malformed.getKey().replace("TOKEN", fuzzToken);
            String label = request.length() > 120 ? request.substring(0, 120) + "…" : request;

            Answer answer = assertSpecAnswerRaw(request.getBytes(ISO_8859_1), request);

            assertEquals(malformed.getValue(), answer.status(), label + " → " + answer);
        }
        assertNoCoinMoved();
    }

    /** Once these were 500s: Jetty's "early EOF" reached the handlers as an unexpected exception. */
    @Example
    void aBodyThatEndsEarlyOrHasBrokenChunksIs400() {
        String ok = "Host: x\r\nConnection: close\r\n";
        String jsonType = "Content-Type: application/json\r\n";
        String internal = "Authorization: Bearer " + INTERNAL_KEY + "\r\n" + jsonType;
        String user = "Authorization: Bearer " + fuzzToken + "\r\n" + jsonType;
        Map<String, Integer> requests = new LinkedHashMap<>();
        for (String route : List.of("POST " + CREATE + " HTTP/1.1\r\n" + ok + user,
                "POST " + WEBHOOK + " HTTP/1.1\r\n" + ok + "Stripe-Signature: t=1,v1=00\r\n",
                "POST /api/internal/coins/spend HTTP/1.1\r\n" + ok + internal,
                "POST /api/internal/coins/grant HTTP/1.1\r\n" + ok + internal)) {
            requests.put(route + "Content-Length: 100\r\n\r\n{\"package_id\": \"popular\"}", 400);
            // Over the limit as declared, but it ends long before the limit is reached.
            requests.put(route + "Content-Length: 2000000\r\n\r\n{\"package_id\": \"popular\"}", 400);
            requests.put(route + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400);
            requests.put(route + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":", 400);
            requests.put(route + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}", 400);
            requests.put(route + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n{}\r\n0\r\n\r\n", 400);
            requests.put(route + "Transfer-Encoding: chunked\r\n\r\n2;ext=\u0000\r\n{}\r\n0\r\n\r\n", 400);
        }
        for (Map.Entry<String, Integer> request : requests.entrySet()) {
            Answer answer = assertSpecAnswerRaw(request.getKey().getBytes(ISO_8859_1), request.getKey());

            assertEquals(request.getValue(), answer.status(), request.getKey() + " → " + answer);
        }
        assertNoCoinMoved();
    }

    // =====================================================================================
    // Headers, paths and query strings
    // =====================================================================================

    @Property(tries = 200)
    void anyPathAndQueryGetsASpecAnswerAndNoUserDataWithoutAToken(
            @ForAll("methods") String method,
            @ForAll("paths") String target,
            @ForAll Credential credential) {
        Answer answer = assertSpecAnswer(credential.apply(new Req(method, target)));

        if (answer.status() == 200 && !credential.admits(Caller.USER) && !method.equals("HEAD") && !answer.body().isEmpty()) {
            JsonNode body = json(answer);
            assertTrue(body.has("packages") || "ok".equals(body.path("status").asText()),
                    "only /health and the catalog answer without a token: " + target + " → " + answer);
        }
        assertNoCoinMoved();
    }

    @Property(tries = 150)
    void anyHeadersGetASpecAnswer(
            @ForAll Route route,
            @ForAll Credential credential,
            @ForAll("headerSets") List<Tuple.Tuple2<String, String>> headers) {
        Req request = credential.apply(new Req(route.method, route.path()));
        if (route.method.equals("POST")) {
            request = request.body("{\"package_id\": \"no-such-package\", \"amount\": 0}".getBytes(UTF_8), false);
        }
        for (Tuple.Tuple2<String, String> header : headers) {
            request = request.header(header.get1(), header.get2());
        }

        assertSpecAnswer(request);

        assertNoCoinMoved();
    }

    @Property(tries = 100)
    void anyHistoryQueryIsAPageOrA400(@ForAll("queryValues") String limit, @ForAll("queryValues") String before) {
        Answer answer = assertSpecAnswer(new Req("GET", "/api/coins/history?limit=" + limit + "&before=" + before)
                .header("Authorization", "Bearer " + buyerToken));

        assertTrue(answer.status() == 200 || answer.status() == 400, answer.toString());
        if (answer.status() == 200) {
            assertTrue(json(answer).get("entries").size() <= 200, answer.toString());
        }
        assertNoCoinMoved();
    }

    // =====================================================================================
    // User tokens
    // =====================================================================================

    @Property(tries = 200)
    void everyForgedBrokenOrStaleTokenIs401(
            @ForAll("badTokens") String token,
            @ForAll("userRoutes") Route route,
            @ForAll("bearerForms") Function<String, Req> carry) {
        Req request = carry.apply(token);
        request = new Req(route.method, route.path()).headers(request.headers);
        if (route.method.equals("POST")) {
            request = request.body("{\"package_id\": \"popular\"}".getBytes(UTF_8), false);
        }

        Answer answer = assertSpecAnswer(request);

        if (answer.status() != 431) {
            assertEquals(401, answer.status(), request.describe() + " → " + answer);
            assertEquals("unauthorized", json(answer).get("error").asText());
        }
        assertNoCoinMoved();
    }

    @Property(tries = 150)
    void aValidTokenWithAnyCharacterChangedIs401(@ForAll("mutatedTokens") String token, @ForAll("userRoutes") Route route) {
        Req request = new Req(route.method, route.path()).header("Authorization", "Bearer " + token);
        if (route.method.equals("POST")) {
            request = request.body("{\"package_id\": \"popular\"}".getBytes(UTF_8), false);
        }

        Answer answer = assertSpecAnswer(request);

        assertEquals(401, answer.status(), token + " → " + answer);
        assertNoCoinMoved();
    }

    /**
     * Ids one character (or one invisible one) away from a user who has coins: none of them may
     * spend those coins, see that balance or that user's purchase. Spends, because a refused
     * spend writes nothing; a grant to a new id would be a real grant.
     */
    @Property(tries = 100)
    void anIdThatOnlyLooksLikeAUserWithCoinsGetsNoneOfThem(
            @ForAll("lookalikeIds") String id, @ForAll @IntRange(min = 1, max = 1000) int amount) {
        String spendBody = STRICT.createObjectNode().put("user_id", id).put("amount", amount)
                .put("idempotency_key", "hi-lookalike-" + UUID.randomUUID()).toString();
        Answer spend = assertSpecAnswer(Req.post("/api/internal/coins/spend", spendBody)
                .header("Authorization", "Bearer " + INTERNAL_KEY));
        assertEquals(409, spend.status(), spend.toString());
        assertEquals("insufficient_funds", json(spend).get("error").asText());

        String token = hs256(STRICT.createObjectNode().put("sub", id)
                .put("exp", Instant.now().getEpochSecond() + 3600).toString());
        Answer balance = assertSpecAnswer(new Req("GET", "/api/coins/balance").header("Authorization", "Bearer " + token));
        assertEquals(200, balance.status(), balance.toString());
        assertEquals(id, json(balance).get("user_id").asText());
        assertEquals(0, json(balance).get("balance").asLong(), balance.toString());
        Answer purchase = assertSpecAnswer(new Req("GET", "/api/payment/status/" + buyerSession)
                .header("Authorization", "Bearer " + token));
        assertEquals(404, purchase.status(), purchase.toString());
        assertNoCoinMoved();
    }

    @Provide
    Arbitrary<String> lookalikeIds() {
        return Arbitraries.of(Stream.of("hi-rich", "hi-buyer").flatMap(id -> Stream.of(
                id.toUpperCase(Locale.ROOT), id.substring(0, 1).toUpperCase(Locale.ROOT) + id.substring(1),
                " " + id, id + " ", id + "\t", "\t" + id, id + "\u00a0", id + "\n",
                id + "\u0000", "\u0000" + id, id.replace("-", "\u0000"), id + "\u200b", "\u200b" + id, id + "\ufeff",
                id.replace('-', '\u2010'), id.replace('-', '\u2011'), id.replace('i', '\u0456'), id.replace('i', '\u0131'),
                id.replace("i", "i\u0307"), id.replace('-', '_'), id + "%00", id + "\\0", id.substring(0, id.length() - 1),
                id + id.charAt(id.length() - 1), id.substring(0, id.length() - 1) + "_", id.substring(0, 3) + "%", "%", "_",
                id + "'--", id + "' OR '1'='1", "' OR 1=1 --", id + "\"", id + "\\", "./" + id, id + "/", "../" + id,
                "\u202e" + new StringBuilder(id).reverse(), "hi-\ud835\udc2b\ud835\udc22\ud835\udc1c\ud835\udc21"))
                .distinct().toList());
    }

    /** The SPEC enforces exp; a token that says it is not valid yet (nbf) is refused the same way. */
    @Example
    void aTokenIsRefusedUntilItsNotBeforeTimeAndAcceptedAfter() {
        long now = Instant.now().getEpochSecond();
        String early = hs256("{\"sub\":\"hi-fuzz\",\"exp\":" + (now + 3600) + ",\"nbf\":" + (now + 600) + "}");
        String due = hs256("{\"sub\":\"hi-fuzz\",\"exp\":" + (now + 3600) + ",\"nbf\":" + (now - 10) + "}");

        Answer refused = assertSpecAnswer(new Req("GET", "/api/coins/balance").header("Authorization", "Bearer " + early));
        Answer accepted = assertSpecAnswer(new Req("GET", "/api/coins/balance").header("Authorization", "Bearer " + due));

        assertEquals(401, refused.status(), refused.toString());
        assertEquals(200, accepted.status(), accepted.toString());
        assertEquals("hi-fuzz", json(accepted).get("user_id").asText());
    }

    // =====================================================================================
    // Stripe-Signature
    // =====================================================================================

    /**
     * The body is a real paid event for a real pending session: accepted, it would credit 550
     * coins. Under every header but a correct one it must change nothing.
     */
    @Property(tries = 200)
    void everyWrongStripeSignatureIs400AndCreditsNothing(@ForAll("wrongSignatures") String signature) {
        Req request = Req.post(WEBHOOK, pendingPaidEvent);
        if (!signature.equals(NO_HEADER)) {
            request = request.header("Stripe-Signature", signature);
        }

        Answer answer = assertSpecAnswer(request);

        if (answer.status() != 431) {
            assertEquals(400, answer.status(), signature + " → " + answer);
            assertEquals("invalid_signature", json(answer).get("error").asText());
        }
        assertEquals("pending", server.storedStatus(pendingSession));
        assertNoCoinMoved();
    }

    /**
     * A timestamp ahead of our clock is accepted when its signature is right, as Stripe's own
     * libraries do: only the secret's holder can sign it, and refusing would stop every payment
     * while this server's clock runs slow.
     */
    @Example
    void aCorrectSignatureDatedAheadOfOurClockIsAccepted() {
        String session = server.checkout(server.token("hi-ahead"), "starter");
        String event = server.paidEvent(session);
        long aheadBy = 3600;

        Answer answer = assertSpecAnswer(Req.post(WEBHOOK, event).header("Stripe-Signature",
                WebhookSigner.sign(event, TestServer.WEBHOOK_SECRET, Instant.now().getEpochSecond() + aheadBy)));

        assertEquals(200, answer.status(), answer.toString());
        assertEquals("completed", server.storedStatus(session));
        Map<String, Long> balances = new TreeMap<>(expected.balances());
        balances.put("hi-ahead", server.storedBalance("hi-ahead"));
        assertTrue(balances.get("hi-ahead") > 0);
        expected = new Money(balances, expected.ledgerRows() + 1);
        assertNoCoinMoved();
    }

    // =====================================================================================
    // Abuse: rate limit and headers
    // =====================================================================================

    /**
     * The limit counts users, not tokens: a fresh token for the same user does not reset it,
     * and requests refused before Stripe (bad bodies) do not use it up.
     */
    @Example
    void theCheckoutLimitIsPerUserWhateverTheTokenAndAnswers429WithRetryAfter() throws IOException {
        Path limitedDir = Files.createTempDirectory("coinpurse-hostile-limit");
        try (TestServer limited = TestServer.start(limitedDir, Map.of("RATELIMIT_CHECKOUT_PER_MINUTE", "3"))) {
            String popular = "{\"package_id\": \"popular\"}";
            for (int i = 0; i < 5; i++) {
                HttpAnswer bad = HttpAnswer.of(limited.post(CREATE, "{\"package_id\": \"no-such\"}", limited.token("rl-busy")));
                assertEquals(400, bad.status(), bad.toString());
            }
            for (int i = 0; i < 3; i++) {
                HttpAnswer fine = HttpAnswer.of(limited.post(CREATE, popular, limited.token("rl-busy")));
                assertEquals(200, fine.status(), "checkout " + (i + 1) + ": " + fine);
            }

            for (int i = 0; i < 3; i++) {
                HttpAnswer limitedAnswer = HttpAnswer.of(limited.post(CREATE, popular, limited.token("rl-busy")));

                assertEquals(429, limitedAnswer.status(), limitedAnswer.toString());
                checkSpecAnswer(limitedAnswer.asAnswer(), popular);
                assertEquals("too_many_requests", json(limitedAnswer.asAnswer()).get("error").asText());
                long retryAfter = Long.parseLong(limitedAnswer.header("retry-after"));
                assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
            }
            assertEquals(3, limited.stripe().createRequests().stream()
                    .filter(sent -> "rl-busy".equals(sent.get("client_reference_id"))).count(), "Stripe saw only the allowed ones");
            HttpAnswer other = HttpAnswer.of(limited.post(CREATE, popular, limited.token("rl-other")));
            assertEquals(200, other.status(), other.toString());
        } finally {
            try (Stream<Path> files = Files.walk(limitedDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** nosniff and no Server version on answers no other test looks at: 413, 414, 431, Jetty's 400, a 405. */
    @Example
    void nosniffAndNoServerVersionOnEveryKindOfRejection() {
        List<Answer> answers = List.of(
                send(Req.post(CREATE, new byte[2 * 1024 * 1024], false).header("Authorization", "Bearer " + fuzzToken)),
                send(Req.post(WEBHOOK, new byte[2 * 1024 * 1024], true)),
                send(new Req("GET", "/" + "p".repeat(20_000))),
                send(new Req("GET", "/health").header("X-Big", "b".repeat(20_000))),
                sendRaw("GET /health HTTP/1.1\r\nConnection: close\r\n\r\n".getBytes(ISO_8859_1)),
                sendRaw("GET /h%ffalth HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(ISO_8859_1)),
                send(new Req("DELETE", "/health")),
                send(new Req("GET", "/api/payment/status/cs_nope").header("Authorization", "Bearer " + fuzzToken)));
        assertEquals(List.of(413, 413, 414, 431, 400, 400, 404, 404), answers.stream().map(Answer::status).toList());
        for (Answer answer : answers) {
            checkSpecAnswer(answer, "");
        }
    }

    // =====================================================================================
    // Generators
    // =====================================================================================

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "FOO", "get", "M-SEARCH");
    }

    @Provide
    Arbitrary<Route> userRoutes() {
        return Arbitraries.of(Route.CREATE_SESSION, Route.STATUS, Route.BALANCE, Route.HISTORY);
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.of("", "application/json", "application/json; charset=utf-8", "text/plain",
                "application/json; charset=utf-16", "application/json; charset=no-such-charset",
                "application/json; charset=", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", "multipart/form-data", "*/*", ";;;", "application/json\u00e9");
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<byte[]> json = jsonValues(3).map(text -> text.getBytes(UTF_8));
        Arbitrary<byte[]> fixed = Arbitraries.of(List.copyOf(jsonEdgeCases().values()));
        Arbitrary<byte[]> text = Arbitraries.strings().all().ofMaxLength(300).map(s -> s.getBytes(UTF_8));
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(2000);
        Arbitrary<byte[]> big = Arbitraries.integers().between(1, 200_000).map(n -> ("{\"a\":\"" + "x".repeat(n) + "\"}").getBytes(UTF_8));
        return Arbitraries.frequencyOf(
                Tuple.of(5, json), Tuple.of(2, fixed), Tuple.of(2, text), Tuple.of(2, bytes), Tuple.of(1, big));
    }

    /** JSON text built from hostile scalars; never a valid spend or grant (no amount is a whole 1..10^9). */
    private static Arbitrary<String> jsonValues(int depth) {
        Arbitrary<String> leaf = Arbitraries.oneOf(hostileScalars(), Arbitraries.strings().all().ofMaxLength(40).map(HostileInputTest::quote));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<String> keys = Arbitraries.oneOf(
                Arbitraries.of("package_id", "coins", "bonus", "price_usd", "success_url", "cancel_url", "user_id",
                        "amount", "idempotency_key", "reason", "id", "type", "data", "object", "metadata", "__proto__", ""),
                Arbitraries.strings().all().ofMaxLength(20));
        Arbitrary<String> member = Combinators.combine(keys, jsonValues(depth - 1)).as((k, v) -> quote(k) + ":" + v);
        Arbitrary<String> object = member.list().ofMaxSize(6).map(members -> "{" + String.join(",", members) + "}");
        Arbitrary<String> array = jsonValues(depth - 1).list().ofMaxSize(4).map(items -> "[" + String.join(",", items) + "]");
        return Arbitraries.frequencyOf(Tuple.of(2, leaf), Tuple.of(4, object), Tuple.of(1, array));
    }

    private static Arbitrary<String> hostileScalars() {
        return Arbitraries.of("0", "-0", "-1", "0.0", "-0.0", "1.5", "19.99", "1e3", "1E+3", "1e400", "-1e400", "1e-400",
                "1e999999999", "1e-999999999", "1e2147483648", "1" + "0".repeat(100), "9223372036854775808",
                "-9223372036854775809", "1000000001", "4.99e0", "0.1e1", "NaN", "Infinity", "-Infinity", "01", "0x10",
                "true", "false", "null", "\"\"", "\" \"", "\"popular\"", "\"starter\"", "\"5\"", "\"\\u0000\"",
                "\"hi-rich\"", "\"http://localhost:5173/x\"", "\"javascript:alert(1)\"", "\"\\ud800\"", "{}", "[]",
                "\"" + "x".repeat(5000) + "\"", "\"'; DROP TABLE users; --\"", "\"\\u202e\"", "\"💰\"");
    }

    /** Events that carry hostile values where the session, charge or dispute should be. */
    @Provide
    Arbitrary<String> hostileEvents() {
        Arbitrary<String> types = Arbitraries.of("checkout.session.completed", "checkout.session.async_payment_succeeded",
                "checkout.session.async_payment_failed", "checkout.session.expired", "charge.refunded",
                "charge.dispute.created", "charge.dispute.closed", "ping", "", "checkout.session.");
        Arbitrary<String> fieldNames = Arbitraries.of("id", "object", "amount_total", "currency", "payment_status",
                "status", "client_reference_id", "metadata", "payment_intent", "amount", "amount_refunded", "refunded",
                "charge", "reason", "user_id", "package_id", "coins", "bonus");
        Arbitrary<String> member = Combinators.combine(fieldNames, jsonValues(2)).as((k, v) -> quote(k) + ":" + v);
        Arbitrary<String> object = member.list().ofMaxSize(12).map(members -> "{" + String.join(",", members) + "}");
        Arbitrary<String> eventId = Arbitraries.oneOf(
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20).map(s -> quote("evt_hostile_" + s)),
                hostileScalars());
        Arbitrary<String> event = Combinators.combine(eventId, types.map(HostileInputTest::quote), object)
                .as((id, type, data) -> "{\"id\":" + id + ",\"object\":\"event\",\"type\":" + type
                        + ",\"data\":{\"object\":" + data + "}}");
        return Arbitraries.frequencyOf(Tuple.of(6, event), Tuple.of(1, jsonValues(3)));
    }

    @Provide
    Arbitrary<String> stripeSignatures() {
        return wrongSignatures();
    }

    /**
     * Stripe-Signature headers, each near a right one, that must not verify
     * {@link #pendingPaidEvent} (or no header at all); {@code rightHmac} is its HMAC at {@code now}.
     */
    private static List<String> knownWrongSignatures(long now) {
        String right = WebhookSigner.sign(pendingPaidEvent, TestServer.WEBHOOK_SECRET, now);
        String rightHmac = right.substring(right.indexOf("v1=") + 3);
        String old = WebhookSigner.sign(pendingPaidEvent, TestServer.WEBHOOK_SECRET, now - 301);
        String wrongHmac = (rightHmac.charAt(0) == '0' ? "1" : "0") + rightHmac.substring(1);
        return List.of(NO_HEADER, "", " ", "t=", "v1=", "t=,v1=", ",,,", "=", "t", "t=" + now,
                "v1=" + rightHmac, "t=abc,v1=" + rightHmac, "t=" + now + ",v1=", "t=" + now + ",v1",
                "t=" + now + ",v0=" + rightHmac, "t=" + now + ",v2=" + rightHmac, "t=" + now + ",V1=" + rightHmac,
                "T=" + now + ",v1=" + rightHmac.toUpperCase(Locale.ROOT),
                "t=" + now + ",v1=" + rightHmac.toUpperCase(Locale.ROOT),
                "t=" + now + ",v1=" + wrongHmac,
                "t=" + now + ",v1=" + rightHmac.substring(1),
                "t=" + now + ",v1=" + rightHmac.substring(0, 63),
                "t=" + now + ",v1=" + rightHmac + "0",
                "t=" + now + ",v1=" + rightHmac.substring(0, 63) + "\u00e4",
                "t=" + now + ",v1=0x" + rightHmac,
                "t=" + now + ",v1=" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(rightHmac)),
                "t=" + (now + 1) + ",v1=" + rightHmac,
                "t=" + (now - 1) + ",v1=" + rightHmac,
                "t=0" + now + "x,v1=" + rightHmac,
                "t=-1,v1=" + rightHmac, "t=99999999999999999999,v1=" + rightHmac, "t=1e9,v1=" + rightHmac,
                "t=" + now + ",t=" + (now - 3600) + ",v1=" + wrongHmac,
                old, old + ",v1=" + wrongHmac,
                WebhookSigner.sign(pendingPaidEvent, TestServer.WEBHOOK_SECRET, now - 10_000_000),
                WebhookSigner.sign(pendingPaidEvent, TestServer.WEBHOOK_SECRET, 0),
                WebhookSigner.sign(pendingPaidEvent.trim() + "\n", TestServer.WEBHOOK_SECRET, now),
                WebhookSigner.sign(pendingPaidEvent.replace("\"paid\"", "\"unpaid\""), TestServer.WEBHOOK_SECRET, now),
                WebhookSigner.sign(pendingPaidEvent, "whsec_someone_else", now),
                WebhookSigner.sign(pendingPaidEvent, TestServer.WEBHOOK_SECRET.substring(6), now),
                WebhookSigner.sign(pendingPaidEvent, "whsec_", now),
                "\u00e9t=" + now + "\u00ff", "t=" + now + ",v1=\u2603",
                "t=" + now + "," + "v1=" + wrongHmac + ",".repeat(5_000),
                "t=" + now + ",v1=" + "0".repeat(20_000));
    }

    @Example
    void everyKnownWrongStripeSignatureIs400AndCreditsNothing() {
        for (String signature : knownWrongSignatures(Instant.now().getEpochSecond())) {
            everyWrongStripeSignatureIs400AndCreditsNothing(signature);
        }
    }

    /** Every Stripe-Signature that must not verify {@link #pendingPaidEvent}, or none at all. */
    @Provide
    Arbitrary<String> wrongSignatures() {
        long now = Instant.now().getEpochSecond();
        String right = WebhookSigner.sign(pendingPaidEvent, TestServer.WEBHOOK_SECRET, now);
        String rightHmac = right.substring(right.indexOf("v1=") + 3);
        Arbitrary<String> hex = Arbitraries.strings().withChars("0123456789abcdef").ofLength(64).filter(h -> !h.equals(rightHmac));
        Arbitrary<Long> tooOld = Arbitraries.longs().between(301, now);
        return Arbitraries.oneOf(
                Arbitraries.of(knownWrongSignatures(now)),
                // Right HMAC, too old.
                tooOld.map(age -> WebhookSigner.sign(pendingPaidEvent, TestServer.WEBHOOK_SECRET, now - age)),
                // Right secret, a body other than the one sent.
                Arbitraries.strings().ofMaxLength(50).map(other -> WebhookSigner.sign(pendingPaidEvent + other + " ",
                        TestServer.WEBHOOK_SECRET)),
                // Another secret, now or ahead of our clock.
                Arbitraries.longs().between(-300, 100_000).map(ahead -> WebhookSigner.sign(pendingPaidEvent,
                        "whsec_someone_else", now + ahead)),
                // Many v1s, none right; huge ones reach Jetty's header limit (431).
                hex.list().ofMinSize(2).ofMaxSize(400).map(list -> "t=" + now + ","
                        + list.stream().map(h -> "v1=" + h).collect(Collectors.joining(","))),
                // A wrong HMAC dated ahead.
                Combinators.combine(Arbitraries.longs().between(1, 10_000_000), hex)
                        .as((ahead, h) -> "t=" + (now + ahead) + ",v1=" + h),
                Arbitraries.strings().all().ofMaxLength(200).map(HostileInputTest::withoutControlCharacters));
    }

    /** Tokens that name no user: forged, broken, expired, not yet valid, or with a sub that is not a fit string. */
    private static List<String> knownBadTokens() {
        long now = Instant.now().getEpochSecond();
        long exp = now + 3600;
        String claims = "{\"sub\":\"hi-fuzz\",\"exp\":" + exp + "}";
        List<String> fixed = new ArrayList<>(List.of(
                unsigned("{\"alg\":\"none\",\"typ\":\"JWT\"}", claims, ""),
                unsigned("{\"alg\":\"none\"}", claims, "x"),
                unsigned("{\"alg\":\"None\"}", claims, ""),
                unsigned("{\"alg\":\"nOnE\"}", claims, ""),
                unsigned("{\"typ\":\"JWT\"}", claims, ""),
                rs256(claims),
                // RS256 named, but MACed with the HS256 secret: the old algorithm-confusion trick.
                mac("HmacSHA256", "{\"alg\":\"RS256\"}", claims, TestServer.JWT_SECRET),
                mac("HmacSHA512", "{\"alg\":\"HS512\"}", claims, TestServer.JWT_SECRET),
                mac("HmacSHA384", "{\"alg\":\"HS384\"}", claims, TestServer.JWT_SECRET),
                mac("HmacSHA256", "{\"alg\":\"HS256\"}", claims, TestServer.JWT_SECRET + "x"),
                mac("HmacSHA256", "{\"alg\":\"HS256\"}", claims, "another-secret-that-is-long-enough-for-hs256"),
                mac("HmacSHA256", "{\"alg\":\"HS256\"}", claims, ""),
                mac("HmacSHA256", "{\"alg\":\"HS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"YXR0YWNrZXI\"}}", claims, "attacker"),
                mac("HmacSHA256", "{\"alg\":\"HS256\",\"kid\":\"../../../../dev/null\"}", claims, ""),
                mac("HmacSHA256", "{\"alg\":\"HS256\",\"jku\":\"http://127.0.0.1:1/keys\"}", claims, "attacker"),
                hs256With("{\"alg\":\"HS256\",\"crit\":[\"exp2\"],\"exp2\":1}", claims),
                hs256With("{\"alg\":\"HS256\",\"b64\":false,\"crit\":[\"b64\"]}", claims),
                hs256With("[\"HS256\"]", claims),
                hs256With("{\"alg\":\"HS256\",\"alg\":\"none\"}", claims),
                hs256With("not json", claims),
                hs256("{\"sub\":\"hi-fuzz\",\"exp\":" + (now - 3600) + "}"),
                hs256("{\"sub\":\"hi-fuzz\",\"exp\":" + (now - 120) + "}"),
                hs256("{\"sub\":\"hi-fuzz\",\"exp\":0}"),
                hs256("{\"sub\":\"hi-fuzz\",\"exp\":-1}"),
                hs256("{\"sub\":\"hi-fuzz\",\"exp\":" + exp + ",\"nbf\":" + (now + 600) + "}"),
                hs256("{\"sub\":\"hi-fuzz\",\"exp\":" + exp + ",\"nbf\":99999999999}"),
                hs256("{\"sub\":\"hi-fuzz\"}"),
                hs256("{\"sub\":\"hi-fuzz\",\"exp\":\"" + exp + "\"}"),
                hs256("{\"sub\":\"hi-fuzz\",\"exp\":null}"),
                hs256("{\"sub\":\"hi-fuzz\",\"exp\":{}}"),
                hs256("{\"sub\":\"hi-fuzz\",\"exp\":1e400}"),
                hs256("{\"exp\":" + exp + "}"),
                hs256("{\"sub\":42,\"exp\":" + exp + "}"),
                hs256("{\"sub\":4.2e1,\"exp\":" + exp + "}"),
                hs256("{\"sub\":{\"id\":\"hi-fuzz\"},\"exp\":" + exp + "}"),
                hs256("{\"sub\":[\"hi-fuzz\"],\"exp\":" + exp + "}"),
                hs256("{\"sub\":null,\"exp\":" + exp + "}"),
                hs256("{\"sub\":true,\"exp\":" + exp + "}"),
                hs256("{\"sub\":\"\",\"exp\":" + exp + "}"),
                hs256("{\"sub\":\"   \",\"exp\":" + exp + "}"),
                hs256("{\"sub\":\"" + "u".repeat(129) + "\",\"exp\":" + exp + "}"),
                hs256("{\"sub\":\"" + "u".repeat(10_000) + "\",\"exp\":" + exp + "}"),
                hs256("{\"sub\":\"hi-fuzz\",\"sub\":\"hi-rich\",\"exp\":" + exp + "}"),
                hs256("[\"hi-fuzz\"]"),
                hs256("\"hi-fuzz\""),
                hs256(""),
                "", ".", "..", "...", "a.b.c", "a.b.c.d", "a..c", ".b.", "e30.e30.", "e30.e30.e30",
                "!!!.@@@.###", "\u00e9\u00e9\u00e9.\u00e9.\u00e9", "%00.%00.%00",
                "Bearer " + server.token("hi-fuzz"),
                server.token("hi-fuzz") + "." + "e30",
                "." + server.token("hi-fuzz"),
                server.token("hi-fuzz").replace(".", ".."),
                "x".repeat(100_000),
                server.token("hi-fuzz") + "A".repeat(10_000)));
        return fixed;
    }

    @Example
    void everyKnownTokenAttackIs401AtEveryUserRouteAndInEveryCarrier() {
        List<Function<String, Req>> carriers = bearerForms().allValues().orElseThrow().toList();
        for (String token : knownBadTokens()) {
            for (Route route : List.of(Route.CREATE_SESSION, Route.STATUS, Route.BALANCE, Route.HISTORY)) {
                everyForgedBrokenOrStaleTokenIs401(token, route, carriers.get(0));
            }
            for (Function<String, Req> carrier : carriers) {
                everyForgedBrokenOrStaleTokenIs401(token, Route.BALANCE, carrier);
            }
        }
    }

    @Provide
    Arbitrary<String> badTokens() {
        return Arbitraries.oneOf(
                Arbitraries.of(knownBadTokens()),
                Arbitraries.strings().all().ofMaxLength(300).map(HostileInputTest::withoutControlCharacters),
                Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/")
                        .ofMaxLength(400),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300)
                        .map(bytes -> Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)));
    }

    /** A valid token with one character of its header or claims replaced, or the first of its signature. */
    @Provide
    Arbitrary<String> mutatedTokens() {
        String valid = server.token("hi-fuzz");
        int signatureStart = valid.lastIndexOf('.') + 1;
        Arbitrary<Integer> position = Arbitraries.oneOf(
                Arbitraries.integers().between(0, signatureStart - 2),
                Arbitraries.just(signatureStart));
        Arbitrary<Character> replacement = Arbitraries.chars().with(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \u00e9");
        return Combinators.combine(position, replacement).as(Tuple::of)
                .filter(change -> valid.charAt(change.get1()) != change.get2())
                .map(change -> valid.substring(0, change.get1()) + change.get2() + valid.substring(change.get1() + 1));
    }

    /** How the token travels: the Authorization header in its forms, or the cookie. */
    @Provide
    Arbitrary<Function<String, Req>> bearerForms() {
        return Arbitraries.<Function<String, Req>>of(
                token -> new Req("GET", "/").header("Authorization", "Bearer " + token),
                token -> new Req("GET", "/").header("Authorization", "bearer " + token),
                token -> new Req("GET", "/").header("Authorization", "Bearer  " + token + " "),
                token -> new Req("GET", "/").header("Cookie", COOKIE + "=" + token),
                token -> new Req("GET", "/").header("Cookie", "other=1; " + COOKIE + "=\"" + token + "\""),
                token -> new Req("GET", "/").header("Authorization", "Basic " + token)
                        .header("Cookie", COOKIE + "=" + token));
    }

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> segment = Arbitraries.oneOf(
                Arbitraries.of("api", "payment", "coins", "internal", "health", "packages", "status", "webhook", "balance",
                        "history", "spend", "grant", "create-checkout-session", "..", ".", "", "%2e%2e", "%2E", "%2F",
                        "%2f..%2f", "..%2F..%2F", "%5C", "..;", ";", ";x=1", "%3B", "%00", "%ff", "%c0%af", "%zz", "%",
                        "%25", "%252e%252e", "~", "*", "*.json", "index.html", "WEB-INF", "\u00e9", "%C3%A9",
                        "\u202e", "💰", "%F0%9F%92%B0", "+", "%20", "a b", "#frag", "?", "cs_" + "x".repeat(300)),
                Arbitraries.strings().all().ofMaxLength(12).map(HostileInputTest::withoutControlCharacters),
                Arbitraries.integers().between(1, 9_000).map("s"::repeat));
        Arbitrary<String> path = segment.list().ofMinSize(1).ofMaxSize(7).map(segments -> "/" + String.join("/", segments));
        Arbitrary<String> prefixed = Combinators.combine(Arbitraries.of(Route.values()), segment)
                .as((route, tail) -> route.path() + tail);
        Arbitrary<String> target = Arbitraries.frequencyOf(Tuple.of(3, path), Tuple.of(2, prefixed),
                Tuple.of(1, Arbitraries.of(Route.values()).map(Route::path)));
        return Combinators.combine(target, queries()).as((p, q) -> p + q);
    }

    private Arbitrary<String> queries() {
        Arbitrary<String> pair = Combinators.combine(
                        Arbitraries.of("limit", "before", "session_id", "user_id", "", "%00", "limit[]", "a"),
                        queryValues())
                .as((k, v) -> k + "=" + v);
        return Arbitraries.oneOf(Arbitraries.just(""),
                pair.list().ofMinSize(1).ofMaxSize(5).map(pairs -> "?" + String.join("&", pairs)),
                Arbitraries.of("?", "??", "?&&&", "?=", "?limit", "?limit=1&limit=2", "?%", "?%zz=1"));
    }

    @Provide
    Arbitrary<String> queryValues() {
        return Arbitraries.oneOf(
                Arbitraries.of("", "0", "1", "200", "201", "-1", "+5", "050", "1.0", "1e2", "0x10", "NaN", "%00", "%ff",
                        "%zz", "%2B5", "9223372036854775807", "9223372036854775808", "99999999999999999999",
                        "1%00", "\u00e9", "%C3%A9", "a b", "1;2"),
                Arbitraries.integers().between(-5, 300).map(String::valueOf),
                Arbitraries.strings().withChars("0123456789+-.%eE").ofMaxLength(30));
    }

    @Provide
    Arbitrary<List<Tuple.Tuple2<String, String>>> headerSets() {
        Arbitrary<String> names = Arbitraries.of("Content-Type", "Accept", "Accept-Charset", "Accept-Encoding",
                "Content-Encoding", "Expect", "Origin", "Referer", "Cookie", "X-Forwarded-For", "X-Forwarded-Proto",
                "X-Forwarded-Host", "Forwarded", "Range", "If-None-Match", "If-Modified-Since", "Upgrade", "TE",
                "Authorization", "Stripe-Signature", "X-HTTP-Method-Override", "Access-Control-Request-Method",
                "X-Requested-With", "User-Agent", "Content-Language");
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.of("", "*/*", "application/json", "text/html", "gzip", "br;q=0", "100-continue",
                        "http://localhost:5173", "https://evil.example", "null", "bytes=0-1", "bytes=-1,0-", "h2c",
                        "websocket", "trailers", "utf-16", "no-such-charset", "DELETE", "1.2.3.4, 5.6.7.8",
                        "for=\"[::1]\";proto=gzip", "Thu, 01 Jan 1970 00:00:00 GMT", "garbage date",
                        "\u00e9\u00ff", "\u2603", "a".repeat(4000), "Bearer", "Bearer ", "Basic Og=="),
                Arbitraries.strings().ascii().ofMaxLength(100).map(s -> s.replaceAll("[\\r\\n\\x00]", "")));
        Arbitrary<String> customNames = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(20)
                .map(s -> "X-" + s);
        Arbitrary<Tuple.Tuple2<String, String>> header = Combinators.combine(
                Arbitraries.frequencyOf(Tuple.of(4, names), Tuple.of(1, customNames)), values).as(Tuple::of);
        return header.list().ofMaxSize(40);
    }

    // =====================================================================================
    // The checks every answer goes through
    // =====================================================================================

    private static Answer assertSpecAnswer(Req request) {
        Answer answer = send(request);
        checkSpecAnswer(answer, request.describe());
        return answer;
    }

    private static Answer assertSpecAnswerRaw(byte[] raw, String description) {
        Answer answer = sendRaw(raw);
        checkSpecAnswer(answer, description);
        return answer;
    }

    /**
     * Not a 5xx, a SPEC status, nosniff, no Server version, nothing internal in the body, and an
     * error that is exactly {@code {"error", "message"}} as application/json.
     * {@code requestText} is what was sent: a word the client itself sent may come back in an
     * echo ("No such route: GET /java.lang"), so only words it did not send count as leaks.
     */
    private static void checkSpecAnswer(Answer answer, String requestText) {
        String context = answer + "\nfor: " + clip(requestText);
        assertTrue(answer.status() < 500, "a 5xx: " + context);
        assertTrue(SPEC_STATUSES.contains(answer.status()), "not a SPEC status: " + context);
        assertEquals("nosniff", answer.header("x-content-type-options"), "nosniff: " + context);
        String serverHeader = answer.header("server");
        assertTrue(serverHeader == null || !serverHeader.matches(".*(\\d|[Jj]etty).*"), "Server: " + serverHeader);

        String sent = requestText.toLowerCase(Locale.ROOT);
        String body = answer.body().toLowerCase(Locale.ROOT);
        for (String leak : LEAKS) {
            if (!sent.contains(leak)) {
                assertFalse(body.contains(leak), "'" + leak + "' in the body: " + context);
            }
        }
        if (answer.status() >= 400 && !answer.headOnly()) {
            assertTrue(answer.header("content-type") != null && answer.header("content-type").startsWith("application/json"),
                    "error Content-Type: " + context);
            JsonNode error = json(answer);
            List<String> names = new ArrayList<>();
            error.fieldNames().forEachRemaining(names::add);
            assertEquals(List.of("error", "message"), names, context);
            assertTrue(error.get("error").isTextual() && !error.get("error").asText().isBlank(), context);
            assertTrue(error.get("message").isTextual() && !error.get("message").asText().isBlank(), context);
        } else if (!answer.body().isEmpty()) {
            assertTrue(answer.header("content-type") != null && answer.header("content-type").startsWith("application/json"),
                    "Content-Type: " + context);
            json(answer);
        }
    }

    private static JsonNode json(Answer answer) {
        try {
            return STRICT.readTree(answer.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + answer, e);
        }
    }

    private static void assertNoCoinMoved() {
        Money now = Money.read();
        assertEquals(expected, now, "balances or ledger changed");
    }

    /** Every non-zero balance and the number of ledger rows, read straight from SQLite. */
    record Money(Map<String, Long> balances, long ledgerRows) {
        static Money read() {
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
                    return new Money(balances, row.getLong(1));
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    // =====================================================================================
    // Raw HTTP/1.1 over a socket
    // =====================================================================================

    /** A request to build byte for byte: method, target, headers (UTF-8, unchecked) and a body. */
    static final class Req {
        final String method;
        final String target;
        final List<String[]> headers;
        final byte[] body;
        final boolean chunked;

        Req(String method, String target) {
            this(method, target, List.of(), null, false);
        }

        private Req(String method, String target, List<String[]> headers, byte[] body, boolean chunked) {
            this.method = method;
            this.target = target;
            this.headers = headers;
            this.body = body;
            this.chunked = chunked;
        }

        static Req post(String target, String body) {
            return post(target, body.getBytes(UTF_8), false);
        }

        static Req post(String target, byte[] body, boolean chunked) {
            return new Req("POST", target).body(body, chunked).header("Content-Type", "application/json");
        }

        Req header(String name, String value) {
            List<String[]> more = new ArrayList<>(headers);
            more.add(new String[] {name, value});
            return new Req(method, target, more, body, chunked);
        }

        Req headers(List<String[]> replaced) {
            return new Req(method, target, replaced, body, chunked);
        }

        Req body(byte[] content, boolean inChunks) {
            return new Req(method, target, headers, content, inChunks);
        }

        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            write(out, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
            for (String[] header : headers) {
                write(out, header[0] + ": " + header[1] + "\r\n");
            }
            if (body != null && chunked) {
                write(out, "Transfer-Encoding: chunked\r\n\r\n");
                for (int at = 0; at < body.length; at += 64 * 1024) {
                    int length = Math.min(64 * 1024, body.length - at);
                    write(out, Integer.toHexString(length) + "\r\n");
                    out.write(body, at, length);
                    write(out, "\r\n");
                }
                write(out, "0\r\n\r\n");
            } else if (body != null) {
                write(out, "Content-Length: " + body.length + "\r\n\r\n");
                out.writeBytes(body);
            } else {
                write(out, "\r\n");
            }
            return out.toByteArray();
        }

        String describe() {
            StringBuilder text = new StringBuilder(method).append(' ').append(target);
            headers.forEach(header -> text.append('\n').append(header[0]).append(": ").append(header[1]));
            if (body != null) {
                text.append("\n\n").append(new String(body, UTF_8));
            }
            return text.toString();
        }

        private static void write(ByteArrayOutputStream out, String text) {
            out.writeBytes(text.getBytes(UTF_8));
        }
    }

    /** What came back: status, headers (names in lower case) and the body as UTF-8. */
    record Answer(int status, Map<String, List<String>> headers, String body, boolean headOnly) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + clip(body);
        }
    }

    /** An answer the JDK client received (TestServer's helpers), in the same shape. */
    record HttpAnswer(java.net.http.HttpResponse<String> response) {
        static HttpAnswer of(java.net.http.HttpResponse<String> response) {
            return new HttpAnswer(response);
        }

        int status() {
            return response.statusCode();
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        Answer asAnswer() {
            Map<String, List<String>> headers = new TreeMap<>();
            response.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
            return new Answer(response.statusCode(), headers, response.body(), false);
        }

        @Override
        public String toString() {
            return asAnswer().toString();
        }
    }

    private static Answer send(Req request) {
        Answer answer = sendRaw(request.bytes());
        return request.method.equals("HEAD")
                ? new Answer(answer.status(), answer.headers(), answer.body(), true)
                : answer;
    }

    /**
     * Writes {@code request} (from another thread, so that a server answering before it has
     * read everything cannot deadlock us) and reads the answer until the server closes.
     */
    private static Answer sendRaw(byte[] request) {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            Future<?> writing = writers.submit(() -> {
                try {
                    out.write(request);
                    out.flush();
                    socket.shutdownOutput();
                } catch (IOException answeredEarly) {
                    // The server may answer (413) and close before it has read everything.
                }
                return null;
            });
            byte[] received = readAll(socket.getInputStream());
            writing.cancel(true);
            return parse(received);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n; (n = in.read(buffer)) != -1; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            fail("no end of the answer within 20 s; received: " + clip(received.toString(ISO_8859_1)));
        } catch (java.net.SocketException reset) {
            // A reset after the answer (the server closed with our unread bytes pending) is fine if one came.
            if (received.size() == 0) {
                throw reset;
            }
        }
        return received.toByteArray();
    }

    private static Answer parse(byte[] received) {
        String text = new String(received, ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || end < 0) {
            fail("not an HTTP answer: '" + clip(text) + "'");
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, List<String>> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        byte[] body = java.util.Arrays.copyOfRange(received, end + 4, received.length);
        List<String> encoding = headers.get("transfer-encoding");
        if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
            body = dechunk(body);
        }
        return new Answer(status, headers, new String(body, UTF_8), false);
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = indexOf(chunked, at);
            int size = Integer.parseInt(new String(chunked, at, lineEnd - at, ISO_8859_1).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        throw new AssertionError("a broken chunked answer");
    }

    // =====================================================================================
    // Tokens and small helpers
    // =====================================================================================

    private static String hs256(String claimsJson) {
        return mac("HmacSHA256", "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claimsJson, TestServer.JWT_SECRET);
    }

    private static String hs256With(String headerJson, String claimsJson) {
        return mac("HmacSHA256", headerJson, claimsJson, TestServer.JWT_SECRET);
    }

    private static String unsigned(String headerJson, String claimsJson, String signature) {
        return b64(headerJson.getBytes(UTF_8)) + "." + b64(claimsJson.getBytes(UTF_8)) + "." + signature;
    }

    /** A JWS over the exact header and claims text given, MACed with {@code secret}. */
    private static String mac(String algorithm, String headerJson, String claimsJson, String secret) {
        String input = b64(headerJson.getBytes(UTF_8)) + "." + b64(claimsJson.getBytes(UTF_8));
        try {
            Mac mac = Mac.getInstance(algorithm);
            byte[] key = secret.isEmpty() ? new byte[1] : secret.getBytes(UTF_8);
            mac.init(new SecretKeySpec(key, algorithm));
            return input + "." + b64(mac.doFinal(input.getBytes(UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String rs256(String claimsJson) {
        String input = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(UTF_8)) + "." + b64(claimsJson.getBytes(UTF_8));
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(rsa.getPrivate());
            signer.update(input.getBytes(UTF_8));
            return input + "." + b64(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String quote(String text) {
        try {
            return STRICT.writeValueAsString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /**
     * Control characters in a header or the request line (CR, LF, NUL, ...) are framing attacks of
     * their own, which Jetty refuses ({@link #malformedRequests}); the generators that aim at the
     * app keep the request well-formed. Tab stays: it is legal inside a header value.
     */
    private static String withoutControlCharacters(String text) {
        return text.replaceAll("[\\x00-\\x08\\x0a-\\x1f\\x7f]", "");
    }

    /** Whether the app reads a body sent with this Content-Type ("" for none) as JSON. */
    private static boolean isJson(String contentType) {
        return contentType.split(";", -1)[0].trim().equalsIgnoreCase("application/json");
    }

    private static String clip(String text) {
        return text.length() > 600 ? text.substring(0, 600) + "…(" + text.length() + " chars)" : text;
    }
}
