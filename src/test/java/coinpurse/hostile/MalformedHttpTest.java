package coinpurse.hostile;

import static coinpurse.hostile.HostileServer.CREATE;
import static coinpurse.hostile.HostileServer.INTERNAL_KEY;
import static coinpurse.hostile.HostileServer.WEBHOOK;
import static coinpurse.support.JsonAssertions.assertSpecAnswer;
import static coinpurse.support.JsonAssertions.strictJson;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import coinpurse.support.RawHttp.Answer;
import coinpurse.support.RawHttp.Request;
import coinpurse.support.RunningServer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Example;

/**
 * Requests broken below the app, written byte for byte: bad request lines, headers and framing
 * that Jetty itself refuses, bodies that end early or come in broken chunks, bodies too large.
 * Each must still get the SPEC's JSON error with nosniff, and move no coin.
 */
class MalformedHttpTest {
    private static final int TEN_MB = 10 * 1024 * 1024;

    @RunningServer
    static HostileServer hostile;

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
            String request = malformed.getKey().replace("TOKEN", hostile.fuzzToken);
            String label = request.length() > 120 ? request.substring(0, 120) + "…" : request;

            Answer answer = hostile.assertSpecAnswerRaw(request);

            assertEquals(malformed.getValue(), answer.status(), label + " → " + answer);
        }
        hostile.assertNoCoinMoved();
    }

    /** Once these were 500s: Jetty's "early EOF" reached the handlers as an unexpected exception. */
    @Example
    void aBodyThatEndsEarlyOrHasBrokenChunksIs400() {
        String ok = "Host: x\r\nConnection: close\r\n";
        String jsonType = "Content-Type: application/json\r\n";
        String internal = "Authorization: Bearer " + INTERNAL_KEY + "\r\n" + jsonType;
        String user = "Authorization: Bearer " + hostile.fuzzToken + "\r\n" + jsonType;
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
            Answer answer = hostile.assertSpecAnswerRaw(request.getKey());

            assertEquals(request.getValue(), answer.status(), request.getKey() + " → " + answer);
        }
        hostile.assertNoCoinMoved();
    }

    @Example
    void tenMegabyteBodiesAre413WithOrWithoutAContentLength() {
        byte[] huge = new byte[TEN_MB];
        Arrays.fill(huge, (byte) ' ');
        huge[0] = '[';
        huge[huge.length - 1] = ']';
        for (boolean chunked : new boolean[] {false, true}) {
            List<Request> requests = List.of(
                    Request.post(CREATE, huge, chunked).header("Authorization", "Bearer " + hostile.fuzzToken),
                    Request.post(WEBHOOK, huge, chunked).header("Stripe-Signature", "t=1,v1=00"),
                    Request.post("/api/internal/coins/spend", huge, chunked).header("Authorization", "Bearer " + INTERNAL_KEY),
                    Request.post("/api/internal/coins/grant", huge, chunked).header("Authorization", "Bearer " + INTERNAL_KEY));
            for (Request request : requests) {
                Answer answer = hostile.assertSpecAnswer(request);
                assertEquals(413, answer.status(), request.target() + " chunked=" + chunked + ": " + answer);
                assertEquals("payload_too_large", strictJson(answer).get("error").asText());
            }
        }
        hostile.assertNoCoinMoved();
    }

    /** nosniff and no Server version on answers no other test looks at: 413, 414, 431, Jetty's 400, a 405. */
    @Example
    void nosniffAndNoServerVersionOnEveryKindOfRejection() {
        List<Answer> answers = List.of(
                hostile.http.send(Request.post(CREATE, new byte[2 * 1024 * 1024], false)
                        .header("Authorization", "Bearer " + hostile.fuzzToken)),
                hostile.http.send(Request.post(WEBHOOK, new byte[2 * 1024 * 1024], true)),
                hostile.http.send(new Request("GET", "/" + "p".repeat(20_000))),
                hostile.http.send(new Request("GET", "/health").header("X-Big", "b".repeat(20_000))),
                hostile.http.sendRaw("GET /health HTTP/1.1\r\nConnection: close\r\n\r\n".getBytes(ISO_8859_1)),
                hostile.http.sendRaw("GET /h%ffalth HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(ISO_8859_1)),
                hostile.http.send(new Request("DELETE", "/health")),
                hostile.http.send(new Request("GET", "/api/payment/status/cs_nope")
                        .header("Authorization", "Bearer " + hostile.fuzzToken)));
        assertEquals(List.of(413, 413, 414, 431, 400, 400, 404, 404), answers.stream().map(Answer::status).toList());
        for (Answer answer : answers) {
            assertSpecAnswer(answer, "");
        }
    }
}
