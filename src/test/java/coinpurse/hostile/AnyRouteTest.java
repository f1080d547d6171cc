package coinpurse.hostile;

import static coinpurse.hostile.HostileArbitraries.isJson;
import static coinpurse.hostile.HostileServer.NO_HEADER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.hostile.Route.Caller;
import coinpurse.support.RawHttp.Answer;
import coinpurse.support.RawHttp.Request;
import coinpurse.support.RunningServer;
import java.time.Instant;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any body, under any Content-Type, with or without chunking, and any method, at every route,
 * from every kind of caller: a SPEC answer (never a 5xx, never an internal detail), the status
 * the caller and the body call for, and not one coin moved.
 */
class AnyRouteTest {
    @RunningServer
    static HostileServer hostile;

    @Property(tries = 200)
    void anyBodyAtAnyRouteGetsASpecAnswerAndMovesNoCoin(
            @ForAll Route route,
            @ForAll Credential credential,
            @ForAll("bodies") byte[] body,
            @ForAll("contentTypes") String contentType,
            @ForAll boolean chunked,
            @ForAll("stripeSignatures") String signature) {
        Request request = credential.apply(new Request(route.method, route.path(hostile)).body(body, chunked), hostile);
        if (!contentType.isEmpty()) {
            request = request.header("Content-Type", contentType);
        }
        if (route == Route.STRIPE_WEBHOOK && !signature.equals(NO_HEADER)) {
            request = request.header("Stripe-Signature", signature);
        }

        Answer answer = hostile.assertSpecAnswer(request);

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
        hostile.assertNoCoinMoved();
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
        Request request = credential.apply(new Request(method, route.path(hostile)).body(body, false), hostile);

        Answer answer = hostile.assertSpecAnswer(request);

        assertTrue(answer.status() == 404 || answer.status() == 405, answer.toString());
        hostile.assertNoCoinMoved();
    }

    @Provide
    Arbitrary<String> methods() {
        return HostileArbitraries.methods();
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        return HostileArbitraries.bodies();
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return HostileArbitraries.contentTypes();
    }

    @Provide
    Arbitrary<String> stripeSignatures() {
        return HostileArbitraries.wrongSignatures(hostile.pendingPaidEvent, Instant.now().getEpochSecond());
    }
}
