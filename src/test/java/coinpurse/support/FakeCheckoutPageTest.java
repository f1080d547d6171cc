package coinpurse.support;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.StripeClient;
import com.stripe.model.Event;
import com.stripe.model.checkout.Session;
import com.stripe.net.Webhook;
import com.stripe.param.checkout.SessionCreateParams;
import com.stripe.param.checkout.SessionCreateParams.LineItem;
import com.stripe.param.checkout.SessionCreateParams.LineItem.PriceData;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake's hosted Checkout page: shows the amount, pays once, delivers the signed webhook, redirects. */
class FakeCheckoutPageTest {
    private static final String SECRET = "whsec_test_page_secret";

    private FakeStripe fake;
    private HttpServer webhook;
    /** Each delivery: its Stripe-Signature header and body. */
    private final List<String[]> delivered = new CopyOnWriteArrayList<>();
    private final AtomicInteger webhookStatus = new AtomicInteger(200);
    private final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() throws IOException {
        fake = FakeStripe.start();
        webhook = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        webhook.createContext("/hook", exchange -> {
            try (exchange) {
                delivered.add(new String[] {exchange.getRequestHeaders().getFirst("Stripe-Signature"),
                    new String(exchange.getRequestBody().readAllBytes(), UTF_8)});
                byte[] body = "{\"status\": \"success\"}".getBytes(UTF_8);
                exchange.sendResponseHeaders(webhookStatus.get(), body.length);
                exchange.getResponseBody().write(body);
            }
        });
        webhook.start();
    }

    @AfterEach
    void stop() {
        webhook.stop(0);
        fake.close();
    }

    @Test
    void withoutHostingTheUrlIsStripesAndThereIsNoPage() throws Exception {
        Session session = create();

        assertEquals("https://checkout.stripe.com/c/pay/" + session.getId(), session.getUrl());
        HttpResponse<String> noPage = get(fake.apiBase() + "/checkout/pay/" + session.getId());
        assertEquals(401, noPage.statusCode(), "only the API answers, and it wants a key: " + noPage.body());
        assertEquals("application/json", noPage.headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void thePageShowsTheAmountAPayButtonAndTheCancelLink() throws Exception {
        host();
        Session session = create();

        assertEquals(fake.apiBase() + "/checkout/pay/" + session.getId(), session.getUrl());
        HttpResponse<String> page = get(session.getUrl());
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElse(""));
        assertTrue(page.body().contains("<p id=\"amount\" class=\"amount\">19.99 USD</p>"), page.body());
        assertTrue(page.body().contains("<p id=\"description\">500 coins + 50 bonus</p>"), page.body());
        assertTrue(page.body().contains("<button id=\"pay\" type=\"submit\">Pay 19.99 USD</button>"), page.body());
        assertTrue(page.body().contains("<a id=\"cancel\" href=\"http://shop.test/cancel?a=1&amp;b=2\">"), page.body());
        assertEquals(List.of(), delivered, "looking delivers nothing");
    }

    @Test
    void payMarksThePaymentPaidDeliversTheSignedEventAndRedirectsToTheSuccessUrl() throws Exception {
        host();
        Session session = create();

        HttpResponse<String> paid = post(session.getUrl());

        assertEquals(303, paid.statusCode(), paid.body());
        assertEquals("http://shop.test/done?session_id=" + session.getId(), paid.headers().firstValue("Location").orElse(""));
        assertEquals("paid", fake.session(session.getId()).get("payment_status").asText());
        assertEquals(1, delivered.size());
        Event event = Webhook.constructEvent(delivered.get(0)[1], delivered.get(0)[0], SECRET);
        assertEquals("checkout.session.completed", event.getType());
        JsonNode object = TestServer.parse(delivered.get(0)[1]).at("/data/object");
        assertEquals(session.getId(), object.get("id").asText());
        assertEquals("paid", object.get("payment_status").asText());
        assertEquals(List.of(delivered.get(0)[1]), fake.events(), "the event is also in the fake's Events API");
    }

    @Test
    void aSecondPressPaysNothingMore() throws Exception {
        host();
        Session session = create();
        post(session.getUrl());

        HttpResponse<String> again = post(session.getUrl());

        assertEquals(409, again.statusCode(), again.body());
        assertEquals(1, delivered.size());
        assertTrue(get(session.getUrl()).body().contains("This checkout session is complete."));
    }

    @Test
    void aWebhookThatFailsShowsAnErrorInsteadOfTheSuccessPage() throws Exception {
        host();
        webhookStatus.set(500);
        Session session = create();

        HttpResponse<String> paid = post(session.getUrl());

        assertEquals(502, paid.statusCode(), paid.body());
        assertTrue(paid.body().contains("The server's webhook answered 500"), paid.body());
        assertTrue(paid.headers().firstValue("Location").isEmpty());
    }

    @Test
    void anUnknownSessionHasNoPage() throws Exception {
        host();
        assertEquals(404, get(fake.apiBase() + "/checkout/pay/cs_test_nope").statusCode());
        assertEquals(404, post(fake.apiBase() + "/checkout/pay/cs_test_nope").statusCode());
    }

    private void host() {
        fake.hostCheckout(URI.create("http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook"), SECRET);
    }

    private Session create() throws Exception {
        StripeClient stripe = StripeClient.builder().setApiKey("sk_test_x").setApiBase(fake.apiBase()).build();
        return stripe.v1().checkout().sessions().create(SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.PAYMENT)
                .setSuccessUrl("http://shop.test/done?session_id={CHECKOUT_SESSION_ID}")
                .setCancelUrl("http://shop.test/cancel?a=1&b=2")
                .putMetadata("coins", "500")
                .putMetadata("bonus", "50")
                .addLineItem(LineItem.builder().setQuantity(1L).setPriceData(PriceData.builder()
                        .setCurrency("usd").setUnitAmount(1999L)
                        .setProductData(PriceData.ProductData.builder().setName("Popular").build())
                        .build()).build())
                .build());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
