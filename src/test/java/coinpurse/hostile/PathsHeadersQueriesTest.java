package coinpurse.hostile;

import static coinpurse.hostile.HostileArbitraries.withoutControlCharacters;
import static coinpurse.support.JsonAssertions.strictJson;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.hostile.Route.Caller;
import coinpurse.support.RawHttp.Answer;
import coinpurse.support.RawHttp.Request;
import coinpurse.support.RunningServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Hostile paths (traversal, encodings, huge segments), query strings and headers at every route:
 * a SPEC answer, no user data without a token, and not one coin moved.
 */
class PathsHeadersQueriesTest {
    @RunningServer
    static HostileServer hostile;

    @Property(tries = 200)
    void anyPathAndQueryGetsASpecAnswerAndNoUserDataWithoutAToken(
            @ForAll("methods") String method,
            @ForAll("paths") String target,
            @ForAll Credential credential) {
        Answer answer = hostile.assertSpecAnswer(credential.apply(new Request(method, target), hostile));

        if (answer.status() == 200 && !credential.admits(Caller.USER) && !method.equals("HEAD") && !answer.body().isEmpty()) {
            JsonNode body = strictJson(answer);
            assertTrue(body.has("packages") || "ok".equals(body.path("status").asText()),
                    "only /health and the catalog answer without a token: " + target + " → " + answer);
        }
        hostile.assertNoCoinMoved();
    }

    @Property(tries = 150)
    void anyHeadersGetASpecAnswer(
            @ForAll Route route,
            @ForAll Credential credential,
            @ForAll("headerSets") List<Tuple.Tuple2<String, String>> headers) {
        Request request = credential.apply(new Request(route.method, route.path(hostile)), hostile);
        if (route.method.equals("POST")) {
            request = request.body("{\"package_id\": \"no-such-package\", \"amount\": 0}".getBytes(UTF_8), false);
        }
        for (Tuple.Tuple2<String, String> header : headers) {
            request = request.header(header.get1(), header.get2());
        }

        hostile.assertSpecAnswer(request);

        hostile.assertNoCoinMoved();
    }

    @Property(tries = 100)
    void anyHistoryQueryIsAPageOrA400(@ForAll("queryValues") String limit, @ForAll("queryValues") String before) {
        Answer answer = hostile.assertSpecAnswer(
                new Request("GET", "/api/coins/history?limit=" + limit + "&before=" + before)
                        .header("Authorization", "Bearer " + hostile.buyerToken));

        assertTrue(answer.status() == 200 || answer.status() == 400, answer.toString());
        if (answer.status() == 200) {
            assertTrue(strictJson(answer).get("entries").size() <= 200, answer.toString());
        }
        hostile.assertNoCoinMoved();
    }

    /**
     * NUL, which PostgreSQL's text cannot hold, never reaches a route through the path: Jetty
     * refuses an encoded NUL in it (400), on either backend, before any lookup.
     */
    @Example
    void aSessionIdWithAnEncodedNulIsRefusedBeforeAnyRoute() {
        for (String id : List.of(hostile.buyerSession + "%00", "%00", "cs_%00", hostile.buyerSession + "%00x")) {
            Answer answer = hostile.assertSpecAnswer(new Request("GET", Route.STATUS.path + id)
                    .header("Authorization", "Bearer " + hostile.buyerToken));

            assertEquals(400, answer.status(), id + " → " + answer);
            assertEquals("bad_request", strictJson(answer).get("error").asText());
        }
        hostile.assertNoCoinMoved();
    }

    /** Javalin would run the handler of the header's method; the request line's method is the only one. */
    @Example
    void aRequestCarryingXHttpMethodOverrideIs400AndMovesNoCoin() {
        String grant = "{\"user_id\": \"hi-override\", \"amount\": 5, \"idempotency_key\": \"hi-override\"}";
        for (String override : List.of("POST", "", "GET", "post", "PATCH")) {
            for (String method : List.of("GET", "POST", "PUT")) {
                Request request = new Request(method, HostileServer.GRANT)
                        .header("Authorization", "Bearer " + HostileServer.INTERNAL_KEY)
                        .header("X-HTTP-Method-Override", override)
                        .header("Content-Type", "application/json")
                        .body(grant.getBytes(UTF_8), false);

                Answer answer = hostile.assertSpecAnswer(request);

                assertEquals(400, answer.status(), method + " with " + override + " → " + answer);
                assertEquals("bad_request", strictJson(answer).get("error").asText());
            }
        }
        hostile.assertNoCoinMoved();
    }

    @Provide
    Arbitrary<String> methods() {
        return HostileArbitraries.methods();
    }

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> segment = Arbitraries.oneOf(
                Arbitraries.of("api", "payment", "coins", "internal", "health", "packages", "status", "webhook", "balance",
                        "history", "spend", "grant", "create-checkout-session", "..", ".", "", "%2e%2e", "%2E", "%2F",
                        "%2f..%2f", "..%2F..%2F", "%5C", "..;", ";", ";x=1", "%3B", "%00", "%ff", "%c0%af", "%zz", "%",
                        "%25", "%252e%252e", "~", "*", "*.json", "index.html", "WEB-INF", "\u00e9", "%C3%A9",
                        "\u202e", "💰", "%F0%9F%92%B0", "+", "%20", "a b", "#frag", "?", "cs_" + "x".repeat(300)),
                Arbitraries.strings().all().ofMaxLength(12).map(HostileArbitraries::withoutControlCharacters),
                Arbitraries.integers().between(1, 9_000).map("s"::repeat));
        Arbitrary<String> path = segment.list().ofMinSize(1).ofMaxSize(7).map(segments -> "/" + String.join("/", segments));
        Arbitrary<String> prefixed = Combinators.combine(Arbitraries.of(Route.values()), segment)
                .as((route, tail) -> route.path(hostile) + tail);
        Arbitrary<String> target = Arbitraries.frequencyOf(Tuple.of(3, path), Tuple.of(2, prefixed),
                Tuple.of(1, Arbitraries.of(Route.values()).map(route -> route.path(hostile))));
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
}
