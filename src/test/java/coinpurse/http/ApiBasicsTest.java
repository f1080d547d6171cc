package coinpurse.http;

import static coinpurse.support.JsonAssertions.assertJsonError;
import static coinpurse.support.JsonAssertions.fieldNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.CapturedLog;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** What every client meets first: health, the catalog, errors for wrong requests, CORS and headers. */
class ApiBasicsTest {
    private static final String CREATE = "/api/payment/create-checkout-session";
    private static final String WEB_APP = "http://localhost:5173";

    @RunningServer
    static TestServer server;
    /** For requests that create Checkout Sessions, which the other tests count on the first server. */
    @RunningServer
    static TestServer origins;
    /** A fresh install: no Stripe key, no webhook secret. */
    @RunningServer(stripe = false)
    static TestServer noStripe;

    // ---- health ----

    @Test
    void healthIsOkAndSaysStripeIsConfigured() {
        HttpResponse<String> response = server.get("/health", null);

        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = TestServer.json(response);
        assertEquals(List.of("status", "db", "db_kind", "stripe"), fieldNames(body));
        assertEquals("ok", body.get("status").asText());
        assertEquals("ok", body.get("db").asText());
        assertEquals(server.deps().config().usesPostgres() ? "postgresql" : "sqlite", body.get("db_kind").asText());
        assertEquals("configured", body.get("stripe").asText());
        assertEquals(0, server.stripe().createRequests().size(), "health must not call Stripe");
    }

    @Test
    void healthIsOkAndSaysStripeIsNotConfiguredWithoutAKey() {
        HttpResponse<String> response = noStripe.get("/health", null);

        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = TestServer.json(response);
        assertEquals("ok", body.get("status").asText());
        assertEquals("ok", body.get("db").asText());
        assertEquals("not_configured", body.get("stripe").asText());
    }

    // ---- packages ----

    @Test
    void packagesListsTheCatalogWithPriceUsdAsAJsonNumber() {
        HttpResponse<String> response = server.get("/api/payment/packages", null);

        assertEquals(200, response.statusCode(), response.body());
        JsonNode packages = TestServer.json(response).get("packages");
        assertEquals(3, packages.size(), response.body());
        List<String> ids = new ArrayList<>();
        for (JsonNode p : packages) {
            ids.add(p.get("id").asText());
            assertEquals(List.of("id", "name", "coins", "bonus", "price_usd", "currency"), fieldNames(p));
            assertTrue(p.get("coins").isIntegralNumber() && p.get("bonus").isIntegralNumber(), p.toString());
            assertTrue(p.get("price_usd").isNumber(), p.toString());
        }
        assertEquals(List.of("starter", "popular", "best_value"), ids);
        JsonNode popular = packages.get(1);
        assertEquals("Popular", popular.get("name").asText());
        assertEquals(500, popular.get("coins").asLong());
        assertEquals(50, popular.get("bonus").asLong());
        assertEquals(0, new BigDecimal("19.99").compareTo(popular.get("price_usd").decimalValue()));
        assertEquals("usd", popular.get("currency").asText());
        assertTrue(response.body().replace(" ", "").contains("\"price_usd\":19.99"), response.body());
        assertEquals(0, server.stripe().createRequests().size(), "the catalog is local");
    }

    // ---- errors for requests no route takes ----

    @Test
    void anUnknownRouteIs404WithTheJsonError() {
        for (String path : List.of("/nope", "/api/payment/nope", "/api/payment/status/")) {
            HttpResponse<String> response = server.get(path, server.token("ab-unknown"));

            assertEquals(404, response.statusCode(), path + " " + response.body());
            assertEquals("not_found", assertJsonError(response).get("error").asText());
            assertFalse(response.body().contains("<html"), response.body());
        }
    }

    @Test
    void aWrongMethodOnARouteIsAJsonError() {
        List<HttpResponse<String>> responses = List.of(
                server.get(CREATE, server.token("ab-wrong-method")),
                server.send(HttpRequest.newBuilder(URI.create(server.url("/health")))
                        .DELETE()),
                server.send(HttpRequest.newBuilder(URI.create(server.url("/api/payment/packages")))
                        .PUT(HttpRequest.BodyPublishers.ofString("{}"))));
        for (HttpResponse<String> response : responses) {
            assertTrue(response.statusCode() == 404 || response.statusCode() == 405,
                    response.statusCode() + " " + response.body());
            assertJsonError(response);
        }
        assertEquals(0, server.stripe().createRequests().stream()
                .filter(sent -> "ab-wrong-method".equals(sent.get("client_reference_id"))).count());
    }

    // ---- CORS ----

    @Test
    void aPreflightFromTheWebAppIsAllowed() {
        HttpResponse<String> response = preflight(WEB_APP);

        assertTrue(response.statusCode() >= 200 && response.statusCode() < 300, response.statusCode() + "");
        assertEquals(WEB_APP, response.headers().firstValue("Access-Control-Allow-Origin").orElse(null),
                response.headers().toString());
        assertEquals("true", response.headers().firstValue("Access-Control-Allow-Credentials").orElse(null));
        String allowedHeaders = response.headers().firstValue("Access-Control-Allow-Headers").orElse("")
                .toLowerCase(Locale.ROOT);
        assertTrue(allowedHeaders.contains("authorization") && allowedHeaders.contains("content-type"),
                response.headers().toString());
        assertEquals(0, server.stripe().createRequests().size(), "a preflight creates nothing");
    }

    @Test
    void aPreflightFromAnotherOriginIs403NamingTheOriginAndTheSetting() {
        HttpResponse<String> response = preflight("https://evil.example");

        assertEquals(403, response.statusCode(), response.body());
        JsonNode error = assertJsonError(response);
        assertEquals("origin_not_allowed", error.get("error").asText());
        String message = error.get("message").asText();
        assertTrue(message.contains("https://evil.example") && message.contains("cors.allowed_origins"), message);
        assertTrue(response.headers().firstValue("Access-Control-Allow-Origin").isEmpty(),
                response.headers().toString());
        assertTrue(response.headers().firstValue("Access-Control-Allow-Credentials").isEmpty(),
                response.headers().toString());
        assertEquals(0, server.stripe().createRequests().size(), "a preflight creates nothing");
    }

    /** Vite on another port, or 127.0.0.1 for localhost: other origins, each said once in the log. */
    @Test
    void aRefusedPreflightIsLoggedAtWarnOncePerOrigin() {
        String log = CapturedLog.during(() -> {
            for (String origin : List.of("http://localhost:5174", "http://localhost:5174", "http://127.0.0.1:5173",
                    "http://localhost:5174")) {
                assertEquals(403, preflight(origin).statusCode());
            }
        });

        List<String> warnings = log.lines().filter(line -> line.contains(" WARN ") && line.contains("CORS preflight refused"))
                .toList();
        assertEquals(2, warnings.size(), log);
        assertTrue(warnings.get(0).contains("origin=\"http://localhost:5174\"") && warnings.get(0).contains("cors.allowed_origins")
                && warnings.get(0).contains(WEB_APP), warnings.get(0));
        assertTrue(warnings.get(1).contains("origin=\"http://127.0.0.1:5173\""), warnings.get(1));
    }

    @Test
    void theOriginsRememberedForTheWarningAreBoundedAndTheLogWithThem() {
        RefusedOrigins refused = new RefusedOrigins();
        String log = CapturedLog.during(() -> {
            for (int i = 0; i < 3 * RefusedOrigins.MAX_REMEMBERED; i++) {
                refused.refused("http://attacker-" + i + ".example", WEB_APP);
            }
        });

        assertEquals(RefusedOrigins.MAX_REMEMBERED, refused.remembered());
        assertEquals(RefusedOrigins.MAX_REMEMBERED + 1, log.lines().filter(line -> line.contains(" WARN ")).count(), log);
    }

    @Test
    void aRefusedOriginIsShownPrintableAndBounded() {
        assertEquals("http://a?b.example", Cors.printable("http://a\nb.example"));
        assertEquals("http://?x?.example", Cors.printable("http://\"x\\.example"));
        String shown = Cors.printable("http://" + "a".repeat(5000) + ".example");
        assertTrue(shown.length() <= 201, shown.length() + "");
    }

    @Test
    void aPreflightFromTheServersOwnOriginIsNotRefused() {
        String ownOrigin = server.url("").replaceAll("/$", "");
        HttpResponse<String> response = preflight(ownOrigin);

        assertTrue(response.statusCode() != 403, response.statusCode() + " " + response.body());
    }

    @Test
    void aCrossOriginRequestFromTheWebAppCarriesTheAllowOriginHeader() {
        HttpResponse<String> allowed = server.send(HttpRequest.newBuilder(URI.create(server.url("/api/payment/packages")))
                .header("Origin", WEB_APP).GET());
        HttpResponse<String> foreign = server.send(HttpRequest.newBuilder(URI.create(server.url("/api/payment/packages")))
                .header("Origin", "http://localhost:5173.evil.example").GET());

        assertEquals(200, allowed.statusCode());
        assertEquals(WEB_APP, allowed.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertTrue(foreign.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), foreign.headers().toString());
    }

    @Test
    void aPostFromAnOriginNotAllowedIsRefusedBeforeItsHandlerRuns() {
        int sessionsBefore = origins.stripe().createRequests().size();
        for (String origin : List.of("https://evil.example", "http://localhost:5173.evil.example", "null")) {
            HttpResponse<String> response = checkoutFrom(origin, "ab-foreign-origin");

            assertEquals(400, response.statusCode(), origin + ": " + response.body());
            assertEquals("bad_request", assertJsonError(response).get("error").asText());
            assertTrue(response.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), response.headers().toString());
        }
        assertEquals(sessionsBefore, origins.stripe().createRequests().size(), "no Checkout Session was created");
        assertEquals(0, origins.queryLong("SELECT COUNT(*) FROM payment_sessions WHERE user_id = ?", "ab-foreign-origin"));
    }

    @Test
    void aPostFromTheServersOwnOriginNeedsNoListing() {
        String ownOrigin = origins.url("").replaceAll("/$", "");
        HttpResponse<String> response = checkoutFrom(ownOrigin, "ab-own-origin");

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), "same origin: no CORS header");
        assertEquals(1, origins.queryLong("SELECT COUNT(*) FROM payment_sessions WHERE user_id = ?", "ab-own-origin"));
    }

    @Test
    void aPostFromTheWebAppIsServedWithItsCorsHeaders() {
        HttpResponse<String> response = checkoutFrom(WEB_APP, "ab-web-app");

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(WEB_APP, response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("true", response.headers().firstValue("Access-Control-Allow-Credentials").orElse(null));
    }

    @Test
    void sameOriginComparesHostAndEffectivePort() {
        assertTrue(Cors.sameOrigin("http://127.0.0.1:5000", "127.0.0.1:5000"));
        assertTrue(Cors.sameOrigin("https://pay.example.com", "pay.example.com"));
        assertTrue(Cors.sameOrigin("https://PAY.example.com", "pay.example.com:443"));
        assertTrue(Cors.sameOrigin("http://[::1]:5000", "[::1]:5000"));
        assertFalse(Cors.sameOrigin("http://127.0.0.1:5001", "127.0.0.1:5000"));
        assertFalse(Cors.sameOrigin("https://pay.example.com", "pay.example.com:80"));
        assertFalse(Cors.sameOrigin("http://pay.example.com.evil.example", "pay.example.com"));
        assertFalse(Cors.sameOrigin("null", "pay.example.com"));
        assertFalse(Cors.sameOrigin("file://", "pay.example.com"));
        assertFalse(Cors.sameOrigin("http://pay.example.com", null));
        assertFalse(Cors.sameOrigin("http://pay.example.com", "pay.example.com/elsewhere"));
        assertFalse(Cors.sameOrigin("http://pay.example.com", "someone@pay.example.com"));
    }

    // ---- headers ----

    /**
     * Javalin would take the method from X-HTTP-Method-Override: a GET (which a cross-site page can
     * send freely) would run the POST handler, and an empty value would make every route 404.
     */
    @Test
    void aGetCarryingXHttpMethodOverridePostIs400AndRunsNoPostHandler() {
        String user = "override-get";
        int stripeCalls = server.stripe().createRequests().size();

        HttpResponse<String> response = server.send(HttpRequest.newBuilder(URI.create(server.url(CREATE)))
                .header("X-HTTP-Method-Override", "POST")
                .header("Authorization", "Bearer " + server.token(user))
                .header("Content-Type", "application/json")
                .method("GET", HttpRequest.BodyPublishers.ofString("{\"package_id\": \"popular\"}")));

        assertEquals(400, response.statusCode(), response.body());
        assertEquals("bad_request", assertJsonError(response).get("error").asText());
        assertEquals(stripeCalls, server.stripe().createRequests().size(), "no checkout session was created");
        assertEquals(0, server.queryLong("SELECT COUNT(*) FROM payment_sessions WHERE user_id = ?", user));
    }

    @Test
    void anyRequestCarryingXHttpMethodOverrideIs400EvenWithAnEmptyOrTheSameMethod() {
        for (String[] request : new String[][] {{"GET", "/health", ""}, {"GET", "/health", "GET"},
                {"GET", "/api/payment/packages", "DELETE"}, {"POST", CREATE, "GET"}, {"GET", "/no-such-route", "POST"}}) {
            HttpResponse<String> response = server.send(HttpRequest.newBuilder(URI.create(server.url(request[1])))
                    .header("X-HTTP-Method-Override", request[2])
                    .method(request[0], HttpRequest.BodyPublishers.noBody()));

            assertEquals(400, response.statusCode(), String.join(" ", request) + ": " + response.body());
            assertEquals("bad_request", assertJsonError(response).get("error").asText());
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null));
        }
    }

    @Test
    void responsesCarryNosniffAndNoServerVersion() {
        List<HttpResponse<String>> responses = List.of(
                server.get("/health", null),
                server.get("/api/payment/packages", null),
                server.get("/api/coins/balance", null),
                server.get("/no/such/route", null),
                server.post(CREATE, "not json", server.token("ab-headers")));
        assertEquals(List.of(200, 200, 401, 404, 400), responses.stream().map(HttpResponse::statusCode).toList());
        for (HttpResponse<String> response : responses) {
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null),
                    response.uri() + " " + response.headers());
            String serverHeader = response.headers().firstValue("Server").orElse("");
            assertFalse(serverHeader.matches(".*\\d.*") || serverHeader.toLowerCase(Locale.ROOT).contains("jetty"),
                    "Server: " + serverHeader);
        }
    }

    // ---- without Stripe ----

    @Test
    void withoutStripeThePaymentRoutesAre503AndTheRestWorks() {
        String token = noStripe.token("ab-no-stripe");

        HttpResponse<String> create = noStripe.post(CREATE, "{\"package_id\": \"popular\"}", token);
        assertEquals(503, create.statusCode(), create.body());
        JsonNode createError = assertJsonError(create);
        assertTrue(createError.get("message").asText().contains("stripe.secret_key"), create.body());

        HttpResponse<String> webhook = noStripe.deliver("{\"id\": \"evt_test_1\", \"type\": \"ping\"}");
        assertEquals(503, webhook.statusCode(), webhook.body());
        JsonNode webhookError = assertJsonError(webhook);
        assertTrue(webhookError.get("message").asText().contains("stripe.webhook_secret"), webhook.body());

        HttpResponse<String> balance = noStripe.get("/api/coins/balance", token);
        assertEquals(200, balance.statusCode(), balance.body());
        assertEquals(0, TestServer.json(balance).get("balance").asLong());
        HttpResponse<String> packages = noStripe.get("/api/payment/packages", null);
        assertEquals(200, packages.statusCode(), packages.body());
        assertEquals(3, TestServer.json(packages).get("packages").size());

        assertEquals(0, noStripe.queryLong("SELECT COUNT(*) FROM payment_sessions WHERE ? IS NOT NULL", "x"));
        assertEquals(0, noStripe.queryLong("SELECT COUNT(*) FROM processed_events WHERE ? IS NOT NULL", "x"));
    }

    // ---- helpers ----

    /** A user's checkout, sent by a browser on {@code origin}. */
    private static HttpResponse<String> checkoutFrom(String origin, String userId) {
        return origins.send(HttpRequest.newBuilder(URI.create(origins.url(CREATE)))
                .header("Origin", origin)
                .header("Authorization", "Bearer " + origins.token(userId))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"package_id\": \"popular\"}")));
    }

    private static HttpResponse<String> preflight(String origin) {
        return server.send(HttpRequest.newBuilder(URI.create(server.url(CREATE)))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type"));
    }
}
