package coinpurse.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.Stripe;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsMessageContext;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A fake of the Stripe backend that {@code stripe listen} talks to, on 127.0.0.1, for the real
 * Stripe CLI pointed at it with its hidden {@code --api-base http://127.0.0.1:PORT}. It serves
 * what the CLI's source asks for (stripe/stripe-cli: pkg/stripeauth, pkg/websocket, pkg/proxy):
 *
 * <ul>
 *   <li>{@code POST /v1/stripecli/sessions}, a form ({@code device_name},
 *       {@code websocket_features[]}, {@code forward_to_url}, …) sent with the API key as bearer
 *       token, answered with a session: its webhook signing {@code secret} (one per account and
 *       device, so every session here gets the same one, which is why {@code --print-secret} can
 *       feed a server before {@code stripe listen} runs) and where its websocket is.
 *   <li>That websocket (subprotocol {@value #SUBPROTOCOL}, the session's {@code Websocket-Id}
 *       header, {@code ?websocket_feature=}): Stripe sends {@code webhook_event} messages (the
 *       event's JSON as {@code event_payload}, the headers to forward as {@code http_headers});
 *       the CLI answers each with an {@code event_ack}, forwards the event to its
 *       {@code --forward-to} URL with those headers, and reports the answer in a
 *       {@code webhook_response} (its {@code status} and {@code body}).
 * </ul>
 *
 * {@link #deliver} plays Stripe's part: it signs the event with the session's secret, as Stripe
 * signs what it sends through {@code stripe listen}, and waits for the forwarded answer.
 */
public final class FakeStripeCliBackend implements AutoCloseable {
    public static final String SUBPROTOCOL = "stripecli-devproxy-v1";
    private static final String SOCKET_PATH = "/stripecli/subscribe";
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the CLI reported for one forwarded event: its endpoint's HTTP status and body. */
    public record Forwarded(int status, String body) {}

    private final String apiKey;
    private final String secret = "whsec_" + random();
    private final String websocketId = "wsid_" + random();
    private final List<Map<String, List<String>>> sessionRequests = new CopyOnWriteArrayList<>();
    private final List<String> acknowledgedEvents = new CopyOnWriteArrayList<>();
    private final List<String> unexpected = new CopyOnWriteArrayList<>();
    private final Map<String, CompletableFuture<Forwarded>> answers = new ConcurrentHashMap<>();
    private final CompletableFuture<WsContext> listener = new CompletableFuture<>();
    private Javalin app;

    private FakeStripeCliBackend(String apiKey) {
        this.apiKey = apiKey;
    }

    /** Starts a fake on 127.0.0.1 and a free port, for an account whose secret key is {@code apiKey}. */
    public static FakeStripeCliBackend start(String apiKey) {
        FakeStripeCliBackend fake = new FakeStripeCliBackend(apiKey);
        fake.app = Javalin.create(config -> {
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            config.routes.post("/v1/stripecli/sessions", fake::createSession);
            config.routes.ws(SOCKET_PATH, ws -> {
                ws.onConnect(fake::connected);
                ws.onMessage(fake::received);
            });
        }).start();
        return fake;
    }

    /** What to give the CLI's {@code --api-base}. */
    public String apiBase() {
        return "http://127.0.0.1:" + app.port();
    }

    /** The webhook signing secret of every session of this account. */
    public String webhookSecret() {
        return secret;
    }

    /** The form of each {@code POST /v1/stripecli/sessions}, in order. */
    public List<Map<String, List<String>>> sessionRequests() {
        return List.copyOf(sessionRequests);
    }

    /** The ids of the events the CLI acknowledged, in order. */
    public List<String> acknowledgedEvents() {
        return List.copyOf(acknowledgedEvents);
    }

    /** Messages or connections this fake did not expect: empty when the CLI spoke the protocol. */
    public List<String> unexpected() {
        return List.copyOf(unexpected);
    }

    /** Waits (at most {@code within}) until a {@code stripe listen} has its websocket open. */
    public void awaitListener(Duration within) {
        await(listener, within, "no stripe listen connected its websocket");
    }

    /** Sends {@code event} signed with the session's secret; what the CLI's endpoint answered. */
    public Forwarded deliver(String event) {
        return deliver(event, secret);
    }

    /** Sends {@code event} signed with {@code signingSecret}; what the CLI's endpoint answered. */
    public Forwarded deliver(String event, String signingSecret) {
        WsContext socket = await(listener, ANSWER_WITHIN, "no stripe listen connected its websocket");
        String webhookId = "we_" + random();
        CompletableFuture<Forwarded> answer = new CompletableFuture<>();
        answers.put(webhookId, answer);
        ObjectNode message = JSON.createObjectNode()
                .put("type", "webhook_event")
                .put("webhook_id", webhookId)
                .put("webhook_conversation_id", "wc_" + random())
                .put("event_payload", event);
        message.putObject("http_headers")
                .put("Accept", "*/*; q=0.5, application/xml")
                .put("Cache-Control", "no-cache")
                .put("Content-Type", "application/json; charset=utf-8")
                .put("Stripe-Signature", WebhookSigner.sign(event, signingSecret))
                .put("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)");
        // No api_version: the event is at the account's default version, which the CLI forwards.
        message.putObject("endpoint").putNull("api_version");
        synchronized (socket) {
            socket.send(message.toString());
        }
        return await(answer, ANSWER_WITHIN, "no webhook_response for " + webhookId + " (acknowledged so far: "
                + acknowledgedEvents + ")");
    }

    @Override
    public void close() {
        app.stop();
    }

    private void createSession(Context ctx) throws IOException {
        if (!("Bearer " + apiKey).equals(ctx.header("Authorization"))) {
            ctx.status(401).contentType("application/json").result(JSON.writeValueAsString(Map.of("error",
                    Map.of("type", "invalid_request_error", "message", "Invalid API Key provided"))));
            return;
        }
        sessionRequests.add(Map.copyOf(ctx.formParamMap()));
        ObjectNode session = JSON.createObjectNode()
                .put("display_connect_filter_warning", false)
                .put("reconnect_delay", 3600) // no reconnection during a test
                .put("secret", secret)
                .put("websocket_authorized_feature", String.join(",", ctx.formParams("websocket_features[]")))
                .put("websocket_id", websocketId)
                .put("websocket_url", "ws://127.0.0.1:" + app.port() + SOCKET_PATH)
                .put("default_version", Stripe.API_VERSION)
                .put("latest_version", Stripe.API_VERSION)
                .put("device_token", "device_" + random());
        ctx.contentType("application/json").result(session.toString());
    }

    private void connected(WsConnectContext ctx) {
        String protocols = String.valueOf(ctx.header("Sec-WebSocket-Protocol"));
        if (!websocketId.equals(ctx.header("Websocket-Id")) || !protocols.contains(SUBPROTOCOL)
                || !"webhooks".equals(ctx.queryParam("websocket_feature"))) {
            unexpected.add("connection with Websocket-Id " + ctx.header("Websocket-Id") + ", subprotocols "
                    + protocols + ", websocket_feature " + ctx.queryParam("websocket_feature"));
            ctx.closeSession();
            return;
        }
        listener.complete(ctx);
    }

    private void received(WsMessageContext ctx) {
        JsonNode message;
        try {
            message = JSON.readTree(ctx.message());
        } catch (IOException e) {
            unexpected.add("not JSON: " + ctx.message());
            return;
        }
        switch (message.path("type").asText()) {
            case "event_ack" -> acknowledgedEvents.add(message.path("event_id").asText());
            case "webhook_response" -> {
                CompletableFuture<Forwarded> answer = answers.get(message.path("webhook_id").asText());
                if (answer == null) {
                    unexpected.add("webhook_response for no webhook_event: " + message);
                } else {
                    answer.complete(new Forwarded(message.path("status").asInt(), message.path("body").asText()));
                }
            }
            default -> unexpected.add("unknown message: " + message);
        }
    }

    private static <T> T await(CompletableFuture<T> future, Duration within, String whatFailed) {
        try {
            return future.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(whatFailed + " within " + within.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new AssertionError(whatFailed, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + whatFailed, e);
        }
    }

    private static String random() {
        return UUID.randomUUID().toString().replace("-", "");
    }
}
