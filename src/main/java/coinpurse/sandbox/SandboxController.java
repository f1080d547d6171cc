package coinpurse.sandbox;

import coinpurse.config.Loopback;
import coinpurse.config.Origins;
import coinpurse.http.ApiException;
import coinpurse.http.JsonBodies;
import coinpurse.http.StaticFiles;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The sandbox's Checkout page and what it posts: pay or be declined, then refund and dispute a paid
 * session. Each change waits until the webhook answered its events, so the page (and the web app
 * it returns to) sees the coins already moved. Every {@code /sandbox/} request passes {@link #guard}.
 */
public final class SandboxController {
    /** How long a page's change waits for the webhook to answer its events. */
    private static final long DELIVERY_WAIT_SECONDS = 30;

    private final Sandbox sandbox;
    private final JsonBodies json;
    private final StaticFiles files = StaticFiles.fromResources("/coinpurse/sandbox/",
            "checkout.html", "sandbox.js", "sandbox.css");

    public SandboxController(Sandbox sandbox, JsonBodies json) {
        this.sandbox = sandbox;
        this.json = json;
    }

    /**
     * Before every {@code /sandbox/} route: the request must come from this machine and name it (a
     * loopback Host, against DNS rebinding), and a POST must come from the sandbox's own pages (an
     * {@code Origin} equal to the Host), so that no other site open in the browser can pay or refund.
     * Each POST also reads its body as JSON only (415 otherwise), which a plain cross-site form cannot send.
     */
    public void guard(Context ctx) {
        String host = ctx.header("Host");
        if (!Loopback.isLoopbackHost(ctx.req().getRemoteAddr()) || !Loopback.isLoopbackHost(hostName(host))) {
            throw new ApiException(403, "loopback_only", "The sandbox answers on this machine's loopback address"
                    + " only (localhost, 127.0.0.1 or [::1]).");
        }
        if (ctx.method() == HandlerType.POST && !sameOrigin(ctx.header("Origin"), host)) {
            throw new ApiException(403, "origin_not_allowed", "The sandbox takes changes from its own pages only:"
                    + " the Origin header must be this server's own origin.");
        }
    }

    /** {@code GET /sandbox/checkout/{session_id}}: the Checkout page (it reads its session from the address). */
    public void checkoutPage(Context ctx) {
        files.send(ctx, "checkout.html");
    }

    /** {@code GET /sandbox/files/{file}}: the page's script and styles. */
    public void file(Context ctx) {
        files.send(ctx, ctx.pathParam("file"));
    }

    /** {@code GET /sandbox/sessions/{session_id}}. */
    public void session(Context ctx) {
        ctx.json(view(sessionId(ctx)));
    }

    /** {@code POST /sandbox/sessions/{session_id}/pay} {@code {"card_number"}}: where the buyer goes next. */
    public void pay(Context ctx) {
        String id = sessionId(ctx);
        JsonNode body = object(ctx);
        JsonNode card = body.path("card_number");
        if (!card.isTextual()) {
            throw ApiException.badRequest("card_number must be a string, such as \"4242 4242 4242 4242\".");
        }
        deliver(sandbox.stripe().pay(id, card.textValue()));
        ctx.json(Map.of("redirect_url", sandbox.stripe().session(id).orElseThrow().successUrlFilled()));
    }

    /** {@code POST /sandbox/sessions/{session_id}/refunds} {@code {"amount"?}}: cents; all that is left without it. */
    public void refund(Context ctx) {
        String id = sessionId(ctx);
        JsonNode amount = object(ctx).path("amount");
        Long cents = null;
        if (!amount.isMissingNode() && !amount.isNull()) {
            if (!amount.isIntegralNumber() || !amount.canConvertToLong() || amount.longValue() <= 0) {
                throw ApiException.badRequest("amount must be a positive whole number of cents, or left out to refund"
                        + " all that is left.");
            }
            cents = amount.longValue();
        }
        deliver(sandbox.stripe().refund(id, cents));
        ctx.json(view(id));
    }

    /** {@code POST /sandbox/sessions/{session_id}/disputes}: the buyer's bank disputes the payment. */
    public void openDispute(Context ctx) {
        String id = sessionId(ctx);
        object(ctx);
        deliver(sandbox.stripe().openDispute(id));
        ctx.json(view(id));
    }

    /** {@code POST /sandbox/sessions/{session_id}/disputes/close} {@code {"outcome": "won" | "lost"}}. */
    public void closeDispute(Context ctx) {
        String id = sessionId(ctx);
        String outcome = object(ctx).path("outcome").asText("");
        if (!outcome.equals("won") && !outcome.equals("lost")) {
            throw ApiException.badRequest("outcome must be \"won\" or \"lost\".");
        }
        deliver(sandbox.stripe().closeDispute(id, outcome.equals("won")));
        ctx.json(view(id));
    }

    private SessionView view(String id) {
        SandboxSession session = sandbox.stripe().session(id).orElseThrow();
        SandboxPayment payment = session.paymentIntent() == null
                ? null : sandbox.stripe().payment(session.paymentIntent()).orElseThrow();
        List<SessionView.EventView> events = sandbox.stripe().eventsOf(id).stream()
                .map(e -> new SessionView.EventView(e.id(), e.type(), sandbox.delivery().answerTo(e.id()).orElse(null)))
                .toList();
        return SessionView.of(session, payment, events);
    }

    private String sessionId(Context ctx) {
        String id = ctx.pathParam("session_id");
        if (sandbox.stripe().session(id).isEmpty()) {
            throw ApiException.notFound("No sandbox session " + id + ": the sandbox forgets its sessions when the"
                    + " server restarts.");
        }
        return id;
    }

    private JsonNode object(Context ctx) {
        JsonNode body = json.read(ctx);
        if (!body.isObject()) {
            throw ApiException.badRequest("The body must be a JSON object.");
        }
        return body;
    }

    /** Sends the events and waits (bounded) until the webhook answered each; the page then shows the answers. */
    private void deliver(List<SandboxEvent> events) {
        try {
            sandbox.delivery().send(events).get(DELIVERY_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Not the page's failure: the events stay listed, without the webhook's answer.
        }
    }

    private static String hostName(String hostHeader) {
        try {
            return hostHeader == null ? null : new URI("http://" + hostHeader).getHost();
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static boolean sameOrigin(String origin, String hostHeader) {
        if (origin == null || hostHeader == null) {
            return false;
        }
        try {
            URI sent = new URI(origin);
            URI own = new URI("http://" + hostHeader);
            return sent.getScheme() != null && sent.getHost() != null && own.getHost() != null
                    && Origins.of(sent).equals(Origins.of(own));
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
