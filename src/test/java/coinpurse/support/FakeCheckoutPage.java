package coinpurse.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * The fake's hosted Checkout page, for a browser: {@code GET /checkout/pay/{id}} shows the amount,
 * a Pay button and a Cancel link; Pay ({@code POST} to the same address) marks the session paid as
 * {@link FakeStripe#completeCheckout} does, delivers the signed {@code checkout.session.completed}
 * to the server's webhook, as Stripe would, and then sends the browser to the session's success
 * URL with {@code {CHECKOUT_SESSION_ID}} filled in. Cancel goes to its cancel URL.
 */
final class FakeCheckoutPage {
    static final String PATH = "/checkout/pay/";

    private final FakeStripe stripe;
    private final URI webhookUrl;
    private final String webhookSecret;
    /** One for all pages: a client starts its own selector thread, and most test servers never pay here. */
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    FakeCheckoutPage(FakeStripe stripe, URI webhookUrl, String webhookSecret) {
        this.stripe = stripe;
        this.webhookUrl = webhookUrl;
        this.webhookSecret = webhookSecret;
    }

    void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            String id = path.startsWith(PATH) ? path.substring(PATH.length()) : "";
            ObjectNode session;
            try {
                session = stripe.session(id);
            } catch (IllegalArgumentException unknown) {
                send(exchange, 404, page("No such checkout session", "<p>This checkout link is not valid.</p>"));
                return;
            }
            switch (exchange.getRequestMethod()) {
                case "GET" -> send(exchange, 200, checkoutPage(id, session));
                case "POST" -> pay(exchange, id);
                default -> send(exchange, 405, page("Not allowed", "<p>GET or POST only.</p>"));
            }
        }
    }

    private void pay(HttpExchange exchange, String id) throws IOException {
        String event;
        ObjectNode session;
        // Checked and paid under the fake's lock, so that two presses cannot pay twice; delivered
        // outside it, since the server may call the fake while handling the event.
        synchronized (stripe) {
            session = stripe.session(id);
            if (!session.path("status").asText().equals("open")) {
                send(exchange, 409, page("Already " + session.path("status").asText(),
                        "<p>This checkout session is no longer open.</p>"));
                return;
            }
            event = stripe.completeCheckout(id).get(0);
        }
        HttpResponse<String> delivered = deliver(event);
        if (delivered.statusCode() != 200) {
            send(exchange, 502, page("The webhook failed", "<p id=\"webhook-failed\">The server's webhook answered "
                    + delivered.statusCode() + ": " + escape(delivered.body()) + "</p>"));
            return;
        }
        String successUrl = session.path("success_url").asText().replace("{CHECKOUT_SESSION_ID}", id);
        exchange.getResponseHeaders().set("Location", successUrl);
        exchange.sendResponseHeaders(303, -1);
    }

    private HttpResponse<String> deliver(String event) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(webhookUrl)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Stripe-Signature", WebhookSigner.sign(event, webhookSecret))
                .POST(HttpRequest.BodyPublishers.ofString(event))
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while delivering the webhook", e);
        }
    }

    private static String checkoutPage(String id, ObjectNode session) {
        String status = session.path("status").asText();
        String amount = amount(session);
        JsonNode metadata = session.path("metadata");
        String description = metadata.has("coins")
                ? metadata.path("coins").asText() + " coins"
                        + (metadata.path("bonus").asLong() > 0 ? " + " + metadata.path("bonus").asText() + " bonus" : "")
                : "Your order";
        if (!status.equals("open")) {
            return page("Checkout " + status, "<p id=\"closed\">This checkout session is " + escape(status) + ".</p>");
        }
        return page("Checkout", """
                <p class="badge">TEST MODE &middot; fake Stripe Checkout</p>
                <p id="description">%s</p>
                <p id="amount" class="amount">%s</p>
                <form method="post" action="%s">
                  <button id="pay" type="submit">Pay %s</button>
                </form>
                <p><a id="cancel" href="%s">Cancel and go back</a></p>
                """.formatted(escape(description), escape(amount), escape(PATH + id), escape(amount),
                escape(session.path("cancel_url").asText())));
    }

    private static String amount(ObjectNode session) {
        long cents = session.path("amount_total").asLong();
        return String.format(Locale.ROOT, "%d.%02d %s", cents / 100, cents % 100,
                session.path("currency").asText().toUpperCase(Locale.ROOT));
    }

    private static String page(String title, String body) {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>%s</title>
                <style>
                  body { font: 16px/1.5 system-ui, sans-serif; background: #f6f9fc; color: #30313d; margin: 0; }
                  main { max-width: 420px; margin: 48px auto; background: #fff; border-radius: 12px; padding: 28px;
                         box-shadow: 0 2px 12px rgba(0,0,0,.08); }
                  .badge { display: inline-block; background: #ffde92; color: #7a4b00; border-radius: 4px;
                           padding: 2px 8px; font-size: .8rem; font-weight: 600; }
                  .amount { font-size: 2rem; font-weight: 700; margin: 8px 0 20px; }
                  button { width: 100%%; border: 0; border-radius: 6px; padding: 12px; background: #0570de;
                           color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
                  a { color: #0570de; }
                </style></head>
                <body><main><h1>%s</h1>
                %s</main></body></html>
                """.formatted(escape(title), escape(title), body);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static void send(HttpExchange exchange, int status, String html) throws IOException {
        byte[] body = html.getBytes(UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }
}
