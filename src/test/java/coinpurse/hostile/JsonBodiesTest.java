package coinpurse.hostile;

import static coinpurse.hostile.HostileArbitraries.isJson;
import static coinpurse.hostile.HostileArbitraries.jsonEdgeCases;
import static coinpurse.hostile.HostileServer.CREATE;
import static coinpurse.hostile.HostileServer.INTERNAL_KEY;
import static coinpurse.hostile.HostileServer.WEBHOOK;
import static coinpurse.support.JsonAssertions.strictJson;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.RawHttp.Answer;
import coinpurse.support.RawHttp.Request;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import coinpurse.support.WebhookSigner;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Example;

/**
 * JSON bodies at every JSON route, one edge case at a time: nesting, absurd numbers, duplicate
 * keys, wrong types, NUL, invalid UTF-8 and other charsets, huge strings; and every Content-Type.
 * Each is a 400 (or 413, or 415) with the SPEC's error, and not one coin moved.
 */
class JsonBodiesTest {
    @RunningServer
    static HostileServer hostile;

    @Example
    void jsonEdgeCasesAreRefusedAsBadRequestsAtEveryJsonRoute() {
        for (Map.Entry<String, byte[]> edge : jsonEdgeCases().entrySet()) {
            String name = edge.getKey();
            byte[] body = edge.getValue();
            int tooLarge = body.length > 1024 * 1024 ? 413 : 400;
            for (boolean chunked : new boolean[] {false, true}) {
                Answer create = hostile.assertSpecAnswer(Request.post(CREATE, body, chunked)
                        .header("Authorization", "Bearer " + hostile.fuzzToken));
                assertEquals(tooLarge, create.status(), name + ": " + create);
                for (String path : List.of("/api/internal/coins/spend", "/api/internal/coins/grant")) {
                    Answer internal = hostile.assertSpecAnswer(Request.post(path, body, chunked)
                            .header("Authorization", "Bearer " + INTERNAL_KEY));
                    assertEquals(tooLarge, internal.status(), name + " at " + path + ": " + internal);
                }
                Answer unsigned = hostile.assertSpecAnswer(Request.post(WEBHOOK, body, chunked)
                        .header("Stripe-Signature", "t=1,v1=00"));
                assertEquals(tooLarge, unsigned.status(), name + ": " + unsigned);
                // Signed with the real secret: only the parser stands between it and the database.
                String text = new String(body, UTF_8);
                Answer signed = hostile.assertSpecAnswer(Request.post(WEBHOOK, body, chunked)
                        .header("Stripe-Signature", WebhookSigner.sign(text, TestServer.WEBHOOK_SECRET)));
                assertEquals(tooLarge, signed.status(), name + ": " + signed);
            }
            hostile.assertNoCoinMoved();
        }
    }

    /**
     * JSON is UTF-8 whatever charset the Content-Type names (an unknown one was once a 500); a media
     * type other than application/json is a 415, except at the webhook, which reads what Stripe sends.
     */
    @Example
    void everyContentTypeAtEveryJsonRouteIsReadAsJsonOrRefusedAs415() {
        String unknownPackage = "{\"package_id\": \"no-such-package\"}";
        for (String contentType : HostileArbitraries.contentTypes().allValues().orElseThrow().toList()) {
            List<Request> requests = List.of(
                    new Request("POST", CREATE).header("Authorization", "Bearer " + hostile.fuzzToken),
                    new Request("POST", "/api/internal/coins/spend").header("Authorization", "Bearer " + INTERNAL_KEY),
                    new Request("POST", "/api/internal/coins/grant").header("Authorization", "Bearer " + INTERNAL_KEY),
                    new Request("POST", WEBHOOK).header("Stripe-Signature",
                            WebhookSigner.sign(unknownPackage, TestServer.WEBHOOK_SECRET)));
            for (Request request : requests) {
                if (!contentType.isEmpty()) {
                    request = request.header("Content-Type", contentType);
                }
                Answer answer = hostile.assertSpecAnswer(request.body(unknownPackage.getBytes(UTF_8), false));

                boolean read = request.target().equals(WEBHOOK) || isJson(contentType);
                assertEquals(read ? 400 : 415, answer.status(), contentType + " at " + request.target() + ": " + answer);
                if (!read) {
                    assertEquals("unsupported_media_type", strictJson(answer).get("error").asText());
                }
            }
        }
        hostile.assertNoCoinMoved();
    }

    /** 1e999999999's plain form is a billion digits: once it took the server's whole heap. */
    @Example
    void absurdExponentsAreAnsweredQuicklyAndBriefly() {
        // Mildest first, so that a regression fails on length before it can exhaust the heap.
        for (String price : List.of("1e400", "1e-400", "1e2147483648", "1e-2147483649", "123456789.123456789e-100000000",
                "1e999999999", "-1e999999999", "1e-999999999", "1e2147483647", "1e-2147483648")) {
            long started = System.nanoTime();
            Answer answer = hostile.assertSpecAnswer(
                    Request.post(CREATE, "{\"coins\": 500, \"bonus\": 50, \"price_usd\": " + price + "}")
                            .header("Authorization", "Bearer " + hostile.fuzzToken));
            long millis = (System.nanoTime() - started) / 1_000_000;

            assertEquals(400, answer.status(), price + ": " + answer);
            assertTrue(millis < 2_000, price + " took " + millis + " ms");
            assertTrue(answer.body().length() < 400, price + ": " + answer.body().length() + " characters");
        }
        hostile.assertNoCoinMoved();
    }
}
