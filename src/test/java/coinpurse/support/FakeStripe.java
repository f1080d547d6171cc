package coinpurse.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A fake of Stripe's Checkout Sessions API on 127.0.0.1, for the real stripe-java client
 * ({@code StripeClientBuilder.setApiBase(fake.apiBase())}) to talk to in tests.
 *
 * <p>Serves {@code POST /v1/checkout/sessions}, {@code GET /v1/checkout/sessions/{id}} and
 * {@code GET /v1/checkout/sessions} (list). All state sits behind this object's lock.
 */
public final class FakeStripe implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SESSIONS = "/v1/checkout/sessions";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, ObjectNode> sessions = new LinkedHashMap<>();
    private final Map<String, Integer> retrievals = new HashMap<>();
    private final Map<String, Price> prices = new HashMap<>();
    private final List<Map<String, String>> createRequests = new ArrayList<>();
    private final Map<String, Replay> replays = new HashMap<>();
    private volatile int failCreatesWith;
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean dropConnections;
    private final AtomicInteger dropped = new AtomicInteger();

    private record Price(long unitAmount, String currency) {}

    private record Answer(int status, String body) {}

    private record Replay(Map<String, String> params, Answer answer) {}

    /** An error the fake answers in Stripe's {@code {"error": {...}}} shape. */
    private static final class StripeError extends RuntimeException {
        final int status;
        final String type;
        final String code;
        final String param;

        StripeError(int status, String type, String code, String param, String message) {
            super(message);
            this.status = status;
            this.type = type;
            this.code = code;
            this.param = param;
        }

        static StripeError invalid(String code, String param, String message) {
            return new StripeError(400, "invalid_request_error", code, param, message);
        }
    }

    private FakeStripe(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts a fake on 127.0.0.1 and a free port. */
    public static FakeStripe start() {
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(16, task -> {
            Thread thread = new Thread(task, "fake-stripe-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            HttpServer server = HttpServer.create(
                    new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
            FakeStripe fake = new FakeStripe(server, executor);
            server.createContext("/", fake::handle);
            server.setExecutor(executor);
            server.start();
            return fake;
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot start the fake Stripe", e);
        }
    }

    /** The base URL to give {@code StripeClientBuilder.setApiBase}, e.g. {@code http://127.0.0.1:PORT}. */
    public String apiBase() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Stops the server, cutting short any delayed answer. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- control, for tests ----

    /** Makes {@code line_items[i][price]=priceId} cost {@code unitAmount} (smallest unit) in {@code currency}. */
    public synchronized void definePrice(String priceId, long unitAmount, String currency) {
        prices.put(priceId, new Price(unitAmount, currency));
    }

    /** The decoded form params of every create call (idempotent replays excepted), in order. */
    public synchronized List<Map<String, String>> createRequests() {
        return List.copyOf(createRequests);
    }

    /** A copy of the current JSON of session {@code id}. */
    public synchronized ObjectNode session(String id) {
        return existing(id).deepCopy();
    }

    /** Registers a session the fake never created, as given; returns a copy of it. */
    public synchronized ObjectNode putSession(ObjectNode session) {
        JsonNode id = session.get("id");
        if (id == null || !id.isTextual()) {
            throw new IllegalArgumentException("a session needs a string \"id\"");
        }
        sessions.put(id.asText(), session.deepCopy());
        return session.deepCopy();
    }

    /** Completes session {@code id} as paid, with a new {@code payment_intent}. */
    public void markPaid(String id) {
        update(id, session -> session
                .put("status", "complete")
                .put("payment_status", "paid")
                .put("payment_intent", StripeEvents.randomId("pi_test_")));
    }

    /** Expires session {@code id}. */
    public void markExpired(String id) {
        update(id, session -> session.put("status", "expired"));
    }

    /** Completes session {@code id} still unpaid, as an async payment method (e.g. a bank debit) does. */
    public void markUnpaidComplete(String id) {
        update(id, session -> session.put("status", "complete").put("payment_status", "unpaid"));
    }

    /** How many times session {@code id} was retrieved (answered 404 included). */
    public synchronized int retrieveCount(String id) {
        return retrievals.getOrDefault(id, 0);
    }

    /** Answers every create with a Stripe error of {@code httpStatus} until called with 0. */
    public void failCreatesWith(int httpStatus) {
        if (httpStatus != 0 && (httpStatus < 400 || httpStatus > 599)) {
            throw new IllegalArgumentException("not an error status: " + httpStatus);
        }
        failCreatesWith = httpStatus;
    }

    /** Waits {@code d} before sending each answer (state changes happen first); {@link Duration#ZERO} resets. */
    public void delayResponses(Duration d) {
        delay = d;
    }

    /**
     * While {@code drop} holds, reads each request and then closes its connection without a
     * byte of answer (no status line), as a crashed proxy or a reset connection does: the client
     * sees an {@link IOException}. Nothing is created. {@code false} answers normally again.
     */
    public void dropConnections(boolean drop) {
        dropConnections = drop;
    }

    /** How many requests were answered by closing the connection (see {@link #dropConnections}). */
    public int droppedConnections() {
        return dropped.get();
    }

    private synchronized void update(String id, Consumer<ObjectNode> change) {
        ObjectNode session = existing(id);
        change.accept(session);
        session.putNull("url"); // Stripe drops the url once a session is no longer open
    }

    private ObjectNode existing(String id) {
        ObjectNode session = sessions.get(id);
        if (session == null) {
            throw new IllegalArgumentException("no such session: " + id);
        }
        return session;
    }

    // ---- HTTP ----

    private void handle(HttpExchange exchange) throws IOException {
        if (dropConnections) {
            exchange.getRequestBody().readAllBytes();
            dropped.incrementAndGet();
            // Closed before sendResponseHeaders: the JDK server closes the socket, answering nothing.
            exchange.close();
            return;
        }
        try (exchange) {
            Answer answer;
            try {
                answer = route(exchange);
            } catch (StripeError e) {
                answer = error(e);
            } catch (RuntimeException e) {
                answer = error(new StripeError(500, "api_error", null, null, "fake Stripe failed: " + e));
            }
            Thread.sleep(delay.toMillis());
            byte[] body = answer.body().getBytes(UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Request-Id", StripeEvents.randomId("req_"));
            exchange.sendResponseHeaders(answer.status(), body.length);
            exchange.getResponseBody().write(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing: drop the answer
        }
    }

    private Answer route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer sk_test_")) {
            throw new StripeError(401, "invalid_request_error", null, null,
                    "Invalid API Key provided. A test key starting with sk_test_ is required.");
        }
        if (path.equals(SESSIONS) && method.equals("POST")) {
            return create(form(body), exchange.getRequestHeaders().getFirst("Idempotency-Key"));
        }
        if (path.equals(SESSIONS) && method.equals("GET")) {
            return list(form(exchange.getRequestURI().getRawQuery()));
        }
        if (path.startsWith(SESSIONS + "/") && method.equals("GET")) {
            return retrieve(path.substring(SESSIONS.length() + 1));
        }
        throw new StripeError(404, "invalid_request_error", null, null,
                "Unrecognized request URL (" + method + ": " + path + ").");
    }

    private synchronized Answer create(Map<String, String> params, String idempotencyKey) {
        Replay replay = idempotencyKey == null ? null : replays.get(idempotencyKey);
        if (replay != null) {
            if (!replay.params().equals(params)) {
                throw new StripeError(400, "idempotency_error", null, null,
                        "Keys for idempotent requests can only be used with the same parameters they were"
                                + " first used with. Try using a key other than '" + idempotencyKey
                                + "' if you meant to execute a different request.");
            }
            return replay.answer();
        }
        createRequests.add(Collections.unmodifiableMap(new LinkedHashMap<>(params)));
        int failure = failCreatesWith;
        if (failure != 0) {
            throw new StripeError(failure, failure >= 500 ? "api_error" : "invalid_request_error",
                    failure == 429 ? "rate_limit" : null, null, "Simulated failure (HTTP " + failure + ").");
        }
        ObjectNode session = newSession(params);
        sessions.put(session.get("id").asText(), session);
        Answer answer = ok(session);
        // Like Stripe, only a request that succeeded is replayed; a failed one may be retried with its key.
        if (idempotencyKey != null) {
            replays.put(idempotencyKey, new Replay(params, answer));
        }
        return answer;
    }

    private synchronized Answer retrieve(String id) {
        retrievals.merge(id, 1, Integer::sum);
        ObjectNode session = sessions.get(id);
        if (session == null) {
            throw new StripeError(404, "invalid_request_error", "resource_missing", "session",
                    "No such checkout.session: '" + id + "'");
        }
        return ok(session);
    }

    /** Newest first, with Stripe's {@code limit}, {@code starting_after} and {@code created[gte]}. */
    private synchronized Answer list(Map<String, String> query) {
        int limit = Integer.parseInt(query.getOrDefault("limit", "10"));
        long createdGte = Long.parseLong(query.getOrDefault("created[gte]", "0"));
        String startingAfter = query.get("starting_after");
        List<String> newestFirst = new ArrayList<>(sessions.keySet());
        Collections.reverse(newestFirst);
        int from = startingAfter == null ? 0 : newestFirst.indexOf(startingAfter) + 1;
        if (startingAfter != null && from == 0) {
            throw StripeError.invalid("resource_missing", "starting_after",
                    "No such checkout.session: '" + startingAfter + "'");
        }
        List<ObjectNode> matching = newestFirst.subList(from, newestFirst.size()).stream()
                .map(sessions::get)
                .filter(session -> session.path("created").asLong() >= createdGte)
                .toList();
        ObjectNode page = JSON.createObjectNode().put("object", "list");
        matching.stream().limit(limit).forEach(page.putArray("data")::add);
        page.put("has_more", matching.size() > limit).put("url", SESSIONS);
        return ok(page);
    }

    private ObjectNode newSession(Map<String, String> params) {
        String mode = required(params, "mode");
        long total = 0;
        String currency = null;
        int items = 0;
        for (; hasLineItem(params, items); items++) {
            String item = "line_items[" + items + "]";
            Price price = price(params, item);
            total += price.unitAmount() * Long.parseLong(params.getOrDefault(item + "[quantity]", "1"));
            currency = price.currency().toLowerCase();
        }
        if (items == 0) {
            throw StripeError.invalid("parameter_missing", "line_items", "Missing required param: line_items.");
        }
        String id = StripeEvents.randomId("cs_test_");
        long now = Instant.now().getEpochSecond();
        ObjectNode session = JSON.createObjectNode()
                .put("id", id)
                .put("object", "checkout.session")
                .put("amount_subtotal", total)
                .put("amount_total", total)
                .put("cancel_url", params.get("cancel_url"))
                .put("client_reference_id", params.get("client_reference_id"))
                .put("created", now)
                .put("currency", currency)
                .put("expires_at", now + 24 * 3600)
                .put("livemode", false);
        ObjectNode metadata = session.putObject("metadata");
        params.forEach((key, value) -> {
            if (key.startsWith("metadata[") && key.endsWith("]")) {
                metadata.put(key.substring("metadata[".length(), key.length() - 1), value);
            }
        });
        return session.put("mode", mode)
                .putNull("payment_intent")
                .put("payment_status", "unpaid")
                .put("status", "open")
                .put("success_url", params.get("success_url"))
                .put("url", "https://checkout.stripe.com/c/pay/" + id);
    }

    private static boolean hasLineItem(Map<String, String> params, int index) {
        String prefix = "line_items[" + index + "]";
        return params.keySet().stream().anyMatch(key -> key.startsWith(prefix));
    }

    private Price price(Map<String, String> params, String item) {
        String priceId = params.get(item + "[price]");
        if (priceId == null) {
            return new Price(
                    Long.parseLong(required(params, item + "[price_data][unit_amount]")),
                    required(params, item + "[price_data][currency]"));
        }
        Price price = prices.get(priceId);
        if (price == null) {
            throw StripeError.invalid("resource_missing", item + "[price]", "No such price: '" + priceId + "'");
        }
        return price;
    }

    private static String required(Map<String, String> params, String key) {
        String value = params.get(key);
        if (value == null || value.isEmpty()) {
            throw StripeError.invalid("parameter_missing", key, "Missing required param: " + key + ".");
        }
        return value;
    }

    /** Decodes {@code application/x-www-form-urlencoded} text; keys stay as sent, e.g. {@code metadata[user_id]}. */
    private static Map<String, String> form(String encoded) {
        Map<String, String> params = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return params;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.put(URLDecoder.decode(key, UTF_8), URLDecoder.decode(value, UTF_8));
        }
        return params;
    }

    private static Answer ok(ObjectNode body) {
        return new Answer(200, body.toPrettyString());
    }

    private static Answer error(StripeError e) {
        ObjectNode error = JSON.createObjectNode();
        ObjectNode details = error.putObject("error");
        if (e.code != null) {
            details.put("code", e.code);
        }
        details.put("message", e.getMessage());
        if (e.param != null) {
            details.put("param", e.param);
        }
        details.put("type", e.type);
        return new Answer(e.status, error.toPrettyString());
    }
}
