package coinpurse.hostile;

import static coinpurse.hostile.HostileServer.COOKIE;
import static coinpurse.hostile.HostileServer.INTERNAL_KEY;
import static coinpurse.support.JsonAssertions.strictJson;
import static coinpurse.support.TokenForge.hs256;
import static coinpurse.support.TokenForge.hs256With;
import static coinpurse.support.TokenForge.mac;
import static coinpurse.support.TokenForge.rs256;
import static coinpurse.support.TokenForge.unsigned;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import coinpurse.support.RawHttp.Answer;
import coinpurse.support.RawHttp.Request;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * User tokens that name no user (forged, broken, expired, not yet valid, signed another way,
 * one character off) in every way a token travels, and ids that only look like a user with
 * coins: a 401 or nothing of anyone else's, and not one coin moved.
 */
class ForgedTokensTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RunningServer
    static HostileServer hostile;

    @Property(tries = 200)
    void everyForgedBrokenOrStaleTokenIs401(
            @ForAll("badTokens") String token,
            @ForAll("userRoutes") Route route,
            @ForAll("bearerForms") Function<String, Request> carry) {
        Request request = carry.apply(token);
        request = new Request(route.method, route.path(hostile)).headers(request.headers());
        if (route.method.equals("POST")) {
            request = request.body("{\"package_id\": \"popular\"}".getBytes(UTF_8), false);
        }

        Answer answer = hostile.assertSpecAnswer(request);

        if (answer.status() != 431) {
            assertEquals(401, answer.status(), request.describe() + " → " + answer);
            assertEquals("unauthorized", strictJson(answer).get("error").asText());
        }
        hostile.assertNoCoinMoved();
    }

    @Example
    void everyKnownTokenAttackIs401AtEveryUserRouteAndInEveryCarrier() {
        List<Function<String, Request>> carriers = bearerForms().allValues().orElseThrow().toList();
        for (String token : knownBadTokens()) {
            for (Route route : Route.userRoutes()) {
                everyForgedBrokenOrStaleTokenIs401(token, route, carriers.get(0));
            }
            for (Function<String, Request> carrier : carriers) {
                everyForgedBrokenOrStaleTokenIs401(token, Route.BALANCE, carrier);
            }
        }
    }

    @Property(tries = 150)
    void aValidTokenWithAnyCharacterChangedIs401(@ForAll("mutatedTokens") String token, @ForAll("userRoutes") Route route) {
        Request request = new Request(route.method, route.path(hostile)).header("Authorization", "Bearer " + token);
        if (route.method.equals("POST")) {
            request = request.body("{\"package_id\": \"popular\"}".getBytes(UTF_8), false);
        }

        Answer answer = hostile.assertSpecAnswer(request);

        assertEquals(401, answer.status(), token + " → " + answer);
        hostile.assertNoCoinMoved();
    }

    /**
     * Ids one character (or one invisible one) away from a user who has coins: none of them may
     * spend those coins, see that balance or that user's purchase. Spends, because a refused
     * spend writes nothing; a grant to a new id would be a real grant.
     */
    @Property(tries = 100)
    void anIdThatOnlyLooksLikeAUserWithCoinsGetsNoneOfThem(
            @ForAll("lookalikeIds") String id, @ForAll @IntRange(min = 1, max = 1000) int amount) {
        // An id with a control character (NUL, which PostgreSQL's text cannot hold, among them) is
        // no user id: 400 in a body, 401 in a token, on either backend.
        boolean noUserId = id.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
        String spendBody = JSON.createObjectNode().put("user_id", id).put("amount", amount)
                .put("idempotency_key", "hi-lookalike-" + UUID.randomUUID()).toString();
        Answer spend = hostile.assertSpecAnswer(Request.post("/api/internal/coins/spend", spendBody)
                .header("Authorization", "Bearer " + INTERNAL_KEY));
        assertEquals(noUserId ? 400 : 409, spend.status(), spend.toString());
        assertEquals(noUserId ? "bad_request" : "insufficient_funds", strictJson(spend).get("error").asText());

        String token = hs256(JSON.createObjectNode().put("sub", id)
                .put("exp", Instant.now().getEpochSecond() + 3600).toString());
        Answer balance = hostile.assertSpecAnswer(new Request("GET", "/api/coins/balance")
                .header("Authorization", "Bearer " + token));
        if (noUserId) {
            assertEquals(401, balance.status(), balance.toString());
        } else {
            assertEquals(200, balance.status(), balance.toString());
            assertEquals(id, strictJson(balance).get("user_id").asText());
            assertEquals(0, strictJson(balance).get("balance").asLong(), balance.toString());
        }
        Answer purchase = hostile.assertSpecAnswer(new Request("GET", "/api/payment/status/" + hostile.buyerSession)
                .header("Authorization", "Bearer " + token));
        assertEquals(noUserId ? 401 : 404, purchase.status(), purchase.toString());
        hostile.assertNoCoinMoved();
    }

    /** Every lookalike id, not only those the property happens to draw (the NUL ones above all). */
    @Example
    void everyLookalikeIdGetsNoCoins() {
        for (String id : lookalikeIds().allValues().orElseThrow().toList()) {
            anIdThatOnlyLooksLikeAUserWithCoinsGetsNoneOfThem(id, 1);
        }
    }

    /** The SPEC enforces exp; a token that says it is not valid yet (nbf) is refused the same way. */
    @Example
    void aTokenIsRefusedUntilItsNotBeforeTimeAndAcceptedAfter() {
        long now = Instant.now().getEpochSecond();
        String early = hs256("{\"sub\":\"hi-fuzz\",\"exp\":" + (now + 3600) + ",\"nbf\":" + (now + 600) + "}");
        String due = hs256("{\"sub\":\"hi-fuzz\",\"exp\":" + (now + 3600) + ",\"nbf\":" + (now - 10) + "}");

        Answer refused = hostile.assertSpecAnswer(new Request("GET", "/api/coins/balance")
                .header("Authorization", "Bearer " + early));
        Answer accepted = hostile.assertSpecAnswer(new Request("GET", "/api/coins/balance")
                .header("Authorization", "Bearer " + due));

        assertEquals(401, refused.status(), refused.toString());
        assertEquals(200, accepted.status(), accepted.toString());
        assertEquals("hi-fuzz", strictJson(accepted).get("user_id").asText());
    }

    // ---- generators ----

    /** Tokens that name no user: forged, broken, expired, not yet valid, or with a sub that is not a fit string. */
    private static List<String> knownBadTokens() {
        long now = Instant.now().getEpochSecond();
        long exp = now + 3600;
        String claims = "{\"sub\":\"hi-fuzz\",\"exp\":" + exp + "}";
        TestServer server = hostile.server;
        List<String> fixed = new ArrayList<>(List.of(
                unsigned("{\"alg\":\"none\",\"typ\":\"JWT\"}", claims, ""),
                unsigned("{\"alg\":\"none\"}", claims, "x"),
                unsigned("{\"alg\":\"None\"}", claims, ""),
                unsigned("{\"alg\":\"nOnE\"}", claims, ""),
                unsigned("{\"typ\":\"JWT\"}", claims, ""),
                rs256(claims),
                // RS256 named, but MACed with the HS256 secret: the old algorithm-confusion trick.
                mac("HmacSHA256", "{\"alg\":\"RS256\"}", claims, TestServer.JWT_SECRET),
                mac("HmacSHA512", "{\"alg\":\"HS512\"}", claims, TestServer.JWT_SECRET),
                mac("HmacSHA384", "{\"alg\":\"HS384\"}", claims, TestServer.JWT_SECRET),
                mac("HmacSHA256", "{\"alg\":\"HS256\"}", claims, TestServer.JWT_SECRET + "x"),
                mac("HmacSHA256", "{\"alg\":\"HS256\"}", claims, "another-secret-that-is-long-enough-for-hs256"),
                mac("HmacSHA256", "{\"alg\":\"HS256\"}", claims, ""),
                mac("HmacSHA256", "{\"alg\":\"HS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"YXR0YWNrZXI\"}}", claims, "attacker"),
                mac("HmacSHA256", "{\"alg\":\"HS256\",\"kid\":\"../../../../dev/null\"}", claims, ""),
                mac("HmacSHA256", "{\"alg\":\"HS256\",\"jku\":\"http://127.0.0.1:1/keys\"}", claims, "attacker"),
                hs256With("{\"alg\":\"HS256\",\"crit\":[\"exp2\"],\"exp2\":1}", claims),
                hs256With("{\"alg\":\"HS256\",\"b64\":false,\"crit\":[\"b64\"]}", claims),
                hs256With("[\"HS256\"]", claims),
                hs256With("{\"alg\":\"HS256\",\"alg\":\"none\"}", claims),
                hs256With("not json", claims),
                hs256("{\"sub\":\"hi-fuzz\",\"exp\":" + (now - 3600) + "}"),
                hs256("{\"sub\":\"hi-fuzz\",\"exp\":" + (now - 120) + "}"),
                hs256("{\"sub\":\"hi-fuzz\",\"exp\":0}"),
                hs256("{\"sub\":\"hi-fuzz\",\"exp\":-1}"),
                hs256("{\"sub\":\"hi-fuzz\",\"exp\":" + exp + ",\"nbf\":" + (now + 600) + "}"),
                hs256("{\"sub\":\"hi-fuzz\",\"exp\":" + exp + ",\"nbf\":99999999999}"),
                hs256("{\"sub\":\"hi-fuzz\"}"),
                hs256("{\"sub\":\"hi-fuzz\",\"exp\":\"" + exp + "\"}"),
                hs256("{\"sub\":\"hi-fuzz\",\"exp\":null}"),
                hs256("{\"sub\":\"hi-fuzz\",\"exp\":{}}"),
                hs256("{\"sub\":\"hi-fuzz\",\"exp\":1e400}"),
                hs256("{\"exp\":" + exp + "}"),
                hs256("{\"sub\":42,\"exp\":" + exp + "}"),
                hs256("{\"sub\":4.2e1,\"exp\":" + exp + "}"),
                hs256("{\"sub\":{\"id\":\"hi-fuzz\"},\"exp\":" + exp + "}"),
                hs256("{\"sub\":[\"hi-fuzz\"],\"exp\":" + exp + "}"),
                hs256("{\"sub\":null,\"exp\":" + exp + "}"),
                hs256("{\"sub\":true,\"exp\":" + exp + "}"),
                hs256("{\"sub\":\"\",\"exp\":" + exp + "}"),
                hs256("{\"sub\":\"   \",\"exp\":" + exp + "}"),
                hs256("{\"sub\":\"" + "u".repeat(129) + "\",\"exp\":" + exp + "}"),
                hs256("{\"sub\":\"" + "u".repeat(10_000) + "\",\"exp\":" + exp + "}"),
                hs256("{\"sub\":\"hi-fuzz\",\"sub\":\"hi-rich\",\"exp\":" + exp + "}"),
                hs256("[\"hi-fuzz\"]"),
                hs256("\"hi-fuzz\""),
                hs256(""),
                "", ".", "..", "...", "a.b.c", "a.b.c.d", "a..c", ".b.", "e30.e30.", "e30.e30.e30",
                "!!!.@@@.###", "\u00e9\u00e9\u00e9.\u00e9.\u00e9", "%00.%00.%00",
                "Bearer " + server.token("hi-fuzz"),
                server.token("hi-fuzz") + "." + "e30",
                "." + server.token("hi-fuzz"),
                server.token("hi-fuzz").replace(".", ".."),
                "x".repeat(100_000),
                server.token("hi-fuzz") + "A".repeat(10_000)));
        fixed.addAll(sameBytesOtherText(server.token("hi-fuzz")));
        return fixed;
    }

    /**
     * {@code token} spelled otherwise with the same bytes: '+' and '/' for '-' and '_', the last
     * signature character changed in its unused bits, padding. Each would verify as the signed text.
     */
    private static List<String> sameBytesOtherText(String token) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = token.charAt(token.length() - 1);
        String head = token.substring(0, token.length() - 1);
        return Stream.of(token.replace('-', '+').replace('_', '/'),
                        head + alphabet.charAt(alphabet.indexOf(last) ^ 1),
                        head + alphabet.charAt(alphabet.indexOf(last) ^ 3),
                        token + "=", token.replace(".", "=."))
                .filter(other -> !other.equals(token))
                .toList();
    }

    @Provide
    Arbitrary<String> badTokens() {
        return Arbitraries.oneOf(
                Arbitraries.of(knownBadTokens()),
                Arbitraries.strings().all().ofMaxLength(300).map(HostileArbitraries::withoutControlCharacters),
                Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/")
                        .ofMaxLength(400),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300)
                        .map(bytes -> Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)));
    }

    /** A valid token with one character of its header or claims replaced, or the first of its signature. */
    @Provide
    Arbitrary<String> mutatedTokens() {
        String valid = hostile.server.token("hi-fuzz");
        int signatureStart = valid.lastIndexOf('.') + 1;
        Arbitrary<Integer> position = Arbitraries.oneOf(
                Arbitraries.integers().between(0, signatureStart - 2),
                Arbitraries.just(signatureStart));
        Arbitrary<Character> replacement = Arbitraries.chars().with(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \u00e9");
        return Combinators.combine(position, replacement).as(Tuple::of)
                .filter(change -> valid.charAt(change.get1()) != change.get2())
                .map(change -> valid.substring(0, change.get1()) + change.get2() + valid.substring(change.get1() + 1));
    }

    /** How the token travels: the Authorization header in its forms, or the cookie. */
    @Provide
    Arbitrary<Function<String, Request>> bearerForms() {
        return Arbitraries.<Function<String, Request>>of(
                token -> new Request("GET", "/").header("Authorization", "Bearer " + token),
                token -> new Request("GET", "/").header("Authorization", "bearer " + token),
                token -> new Request("GET", "/").header("Authorization", "Bearer  " + token + " "),
                token -> new Request("GET", "/").header("Cookie", COOKIE + "=" + token),
                token -> new Request("GET", "/").header("Cookie", "other=1; " + COOKIE + "=\"" + token + "\""),
                token -> new Request("GET", "/").header("Authorization", "Basic " + token)
                        .header("Cookie", COOKIE + "=" + token));
    }

    @Provide
    Arbitrary<Route> userRoutes() {
        return Arbitraries.of(Route.userRoutes());
    }

    @Provide
    Arbitrary<String> lookalikeIds() {
        return Arbitraries.of(Stream.of("hi-rich", "hi-buyer").flatMap(id -> Stream.of(
                id.toUpperCase(Locale.ROOT), id.substring(0, 1).toUpperCase(Locale.ROOT) + id.substring(1),
                " " + id, id + " ", id + "\t", "\t" + id, id + "\u00a0", id + "\n",
                id + "\u0000", "\u0000" + id, id.replace("-", "\u0000"), id + "\u200b", "\u200b" + id, id + "\ufeff",
                id.replace('-', '\u2010'), id.replace('-', '\u2011'), id.replace('i', '\u0456'), id.replace('i', '\u0131'),
                id.replace("i", "i\u0307"), id.replace('-', '_'), id + "%00", id + "\\0", id.substring(0, id.length() - 1),
                id + id.charAt(id.length() - 1), id.substring(0, id.length() - 1) + "_", id.substring(0, 3) + "%", "%", "_",
                id + "'--", id + "' OR '1'='1", "' OR 1=1 --", id + "\"", id + "\\", "./" + id, id + "/", "../" + id,
                "\u202e" + new StringBuilder(id).reverse(), "hi-\ud835\udc2b\ud835\udc22\ud835\udc1c\ud835\udc21"))
                .distinct().toList());
    }
}
