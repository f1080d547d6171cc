package coinpurse.auth;

import static coinpurse.support.JsonAssertions.assertJsonError;
import static coinpurse.support.JsonAssertions.fieldNames;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.CapturedLog;
import coinpurse.support.RunningServer;
import coinpurse.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who the caller is: HS256 bearer tokens with {@code sub} and {@code exp}, or the configured cookie.
 * A refused token is probed on create-checkout-session, so that "refused" also means "Stripe never asked".
 */
class AuthTest {
    private static final String BALANCE = "/api/coins/balance";
    private static final String CREATE = "/api/payment/create-checkout-session";
    /** 64 bytes, so that the same secret can also sign an HS512 token (nimbus wants 512 bits for it). */
    private static final String SECRET = "auth-test-secret-long-enough-for-hs256-and-even-hs512-0123456789";
    private static final String COOKIE = "cp_token";

    @RunningServer(env = {"AUTH_JWT_SECRET=" + SECRET})
    static TestServer server;

    // ---- accepted ----

    @Test
    void aValidBearerTokenIsTheUserNamedByItsSub() {
        String token = hmac(JWSAlgorithm.HS256, SECRET, claims("au-valid").build());

        HttpResponse<String> balance = server.get(BALANCE, token);
        assertEquals(200, balance.statusCode(), balance.body());
        assertEquals("au-valid", TestServer.json(balance).get("user_id").asText());

        HttpResponse<String> created = server.post(CREATE, "{\"package_id\": \"starter\"}", token);
        assertEquals(200, created.statusCode(), created.body());
        String sessionId = TestServer.json(created).get("session_id").asText();
        assertEquals("au-valid", server.stripe().session(sessionId).get("client_reference_id").asText());
        assertEquals("au-valid", server.queryString("SELECT user_id FROM payment_sessions WHERE session_id = ?",
                sessionId));
    }

    @Test
    void aUserSeenForTheFirstTimeHasABalanceOfZero() {
        HttpResponse<String> response = server.get(BALANCE, server.token("au-newcomer"));

        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = TestServer.json(response);
        assertEquals(List.of("user_id", "balance", "paid", "bonus", "held", "available"), fieldNames(body));
        assertEquals("au-newcomer", body.get("user_id").asText());
        assertTrue(body.get("balance").isIntegralNumber(), body.toString());
        for (String figure : List.of("balance", "paid", "bonus", "held", "available")) {
            assertEquals(0, body.get(figure).asLong(), figure);
        }
        assertEquals(0, server.storedBalance("au-newcomer"));
        assertEquals(0, server.ledgerSum("au-newcomer"));
    }

    @Test
    void theCookieCarriesTheTokenWhenAuthCookieNameIsSet(@TempDir Path cookieDir) {
        try (TestServer withCookie = TestServer.start(cookieDir,
                Map.of("AUTH_JWT_SECRET", SECRET, "AUTH_COOKIE_NAME", COOKIE))) {
            String token = withCookie.token("au-cookie");

            HttpResponse<String> balance = withCookie.send(HttpRequest.newBuilder(URI.create(withCookie.url(BALANCE)))
                    .header("Cookie", "theme=dark; " + COOKIE + "=" + token).GET());
            assertEquals(200, balance.statusCode(), balance.body());
            assertEquals("au-cookie", TestServer.json(balance).get("user_id").asText());

            HttpResponse<String> created = withCookie.send(HttpRequest.newBuilder(URI.create(withCookie.url(CREATE)))
                    .header("Cookie", COOKIE + "=" + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"package_id\": \"starter\"}")));
            assertEquals(200, created.statusCode(), created.body());
            assertEquals(1, withCookie.queryLong("SELECT COUNT(*) FROM payment_sessions WHERE user_id = ?",
                    "au-cookie"));
        }
    }

    /** 60 s of leeway for a clock a little ahead of ours. */
    @Test
    void aTokenIssuedOrValidFromThirtySecondsAheadIsAccepted() {
        Instant ahead = Instant.now().plusSeconds(30);
        assertAccepted("au-iat-ahead-30", claims("au-iat-ahead-30").issueTime(Date.from(ahead)).build());
        assertAccepted("au-nbf-ahead-30", claims("au-nbf-ahead-30").notBeforeTime(Date.from(ahead)).build());
    }

    @Test
    void aTokenWithoutIatIsAccepted() {
        assertAccepted("au-no-iat", new JWTClaimsSet.Builder()
                .subject("au-no-iat")
                .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1))))
                .build());
    }

    // ---- refused: 401, the JSON error, nothing reaches Stripe or the database ----

    @Test
    void theCookieIsIgnoredWhenAuthCookieNameIsNotSet() {
        String token = server.token("au-cookie-off");
        assertRefused("au-cookie-off", server.send(HttpRequest.newBuilder(URI.create(server.url(CREATE)))
                .header("Cookie", COOKIE + "=" + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"package_id\": \"starter\"}"))));
    }

    @Test
    void noTokenIs401WithTheJsonError() {
        HttpResponse<String> response = server.get(BALANCE, null);

        assertEquals(401, response.statusCode(), response.body());
        JsonNode error = assertJsonError(response);
        assertEquals("unauthorized", error.get("error").asText());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }

    @Test
    void anExpiredTokenIs401() {
        Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
        String token = hmac(JWSAlgorithm.HS256, SECRET, new JWTClaimsSet.Builder()
                .subject("au-expired")
                .issueTime(Date.from(hourAgo.minus(Duration.ofHours(1))))
                .expirationTime(Date.from(hourAgo))
                .build());
        assertRefused("au-expired", postWithBearer(token));
    }

    @Test
    void aTokenIssuedMoreThanSixtySecondsAheadIs401LikeAnExpiredOne() {
        String token = hmac(JWSAlgorithm.HS256, SECRET, claims("au-iat-ahead-90")
                .issueTime(Date.from(Instant.now().plusSeconds(90)))
                .build());

        HttpResponse<String> refused = postWithBearer(token);

        assertRefused("au-iat-ahead-90", refused);
        assertEquals(expiredTokenAnswer().body(), refused.body());
        // Asked again (a verified token is remembered): still refused.
        assertRefused("au-iat-ahead-90", server.get(BALANCE, token));
    }

    @Test
    void aTokenValidOnlyFromMoreThanSixtySecondsAheadIs401LikeAnExpiredOne() {
        String token = hmac(JWSAlgorithm.HS256, SECRET, claims("au-nbf-ahead-90")
                .notBeforeTime(Date.from(Instant.now().plusSeconds(90)))
                .build());

        HttpResponse<String> refused = postWithBearer(token);

        assertRefused("au-nbf-ahead-90", refused);
        assertEquals(expiredTokenAnswer().body(), refused.body());
    }

    @Test
    void aTokenSignedWithAnotherSecretIs401() {
        String token = hmac(JWSAlgorithm.HS256, "another-secret-another-secret-another-secret-xx",
                claims("au-other-secret").build());
        assertRefused("au-other-secret", postWithBearer(token));
    }

    @Test
    void anUnsignedAlgNoneTokenIs401() {
        String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(UTF_8)).toString();
        String payload = Base64URL.encode(claims("au-alg-none").build().toString().getBytes(UTF_8)).toString();
        assertRefused("au-alg-none", postWithBearer(header + "." + payload + "."));
    }

    @Test
    void anHs512TokenSignedWithTheRightSecretIs401() {
        String token = hmac(JWSAlgorithm.HS512, SECRET, claims("au-hs512").build());
        assertRefused("au-hs512", postWithBearer(token));
    }

    @Test
    void aTokenWithoutSubIs401() {
        String token = hmac(JWSAlgorithm.HS256, SECRET, new JWTClaimsSet.Builder()
                .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1))))
                .claim("user_id", "au-no-sub")
                .build());
        assertRefused("au-no-sub", postWithBearer(token));
    }

    @Test
    void aTokenWithoutExpIs401() {
        String token = hmac(JWSAlgorithm.HS256, SECRET, new JWTClaimsSet.Builder()
                .subject("au-no-exp")
                .issueTime(new Date())
                .build());
        assertRefused("au-no-exp", postWithBearer(token));
    }

    @Test
    void aTokenWhoseSubIsANumberNotAStringIs401() {
        long exp = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
        JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.HS256),
                new Payload("{\"sub\":4242,\"exp\":" + exp + "}"));
        sign(jws, SECRET);
        assertRefused("4242", postWithBearer(jws.serialize()));
    }

    /**
     * PostgreSQL's text cannot hold NUL (SQLite's can): a sub with it, or any control character,
     * names no user the server would issue a token to. 401 on either backend, nothing stored.
     */
    @Test
    void aTokenWhoseSubHoldsANulOrAControlCharacterIs401() {
        int stripeCalls = server.stripe().createRequests().size();
        long users = server.rowsIn("users");
        long sessions = server.rowsIn("payment_sessions");
        for (String sub : List.of("au-nul\u0000", "\u0000", "au\u0000nul", "au-line\n", "au-tab\t", "au-del\u007f")) {
            String token = hmac(JWSAlgorithm.HS256, SECRET, claims(sub).build());

            for (HttpResponse<String> response : List.of(postWithBearer(token), server.get(BALANCE, token),
                    server.get("/api/coins/history", token), server.get("/api/payment/status/cs_test_x", token))) {
                assertEquals(401, response.statusCode(), response.body());
                assertEquals("unauthorized", assertJsonError(response).get("error").asText());
            }
        }
        assertEquals(stripeCalls, server.stripe().createRequests().size(), "no Stripe call");
        assertEquals(users, server.rowsIn("users"));
        assertEquals(sessions, server.rowsIn("payment_sessions"));
    }

    @Test
    void aGarbageBearerTokenIs401() {
        assertRefused("abc", postWithBearer("abc"));
    }

    // ---- what the log says ----

    /**
     * The web app's developer learns from the server's log why its tokens are refused; the
     * answer stays the one 401, and the log holds nothing of a token that could be used.
     */
    @Test
    void aRefusedTokenLogsItsReasonAtInfoAndNothingOfTheToken() {
        long exp = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
        JWSObject numericSub = new JWSObject(new JWSHeader(JWSAlgorithm.HS256), new Payload("{\"sub\":42,\"exp\":" + exp + "}"));
        sign(numericSub, SECRET);
        Map<String, String> tokens = Map.of(
                "sub_not_a_string", numericSub.serialize(),
                "expired", hmac(JWSAlgorithm.HS256, SECRET, new JWTClaimsSet.Builder().subject("au-log-expired")
                        .expirationTime(Date.from(Instant.now().minus(Duration.ofHours(1)))).build()),
                "bad_signature", hmac(JWSAlgorithm.HS256, SECRET.replace('a', 'b'), claims("au-log-forged").build()),
                "alg_not_hs256", hmac(JWSAlgorithm.HS512, SECRET, claims("au-log-hs512").build()),
                "malformed", "not-a-token");
        for (Map.Entry<String, String> token : tokens.entrySet()) {
            AtomicReference<HttpResponse<String>> answer = new AtomicReference<>();
            String log = CapturedLog.during(() -> answer.set(server.get(BALANCE, token.getValue())));

            assertEquals(401, answer.get().statusCode(), answer.get().body());
            assertEquals("Your token is invalid or has expired. Sign in again.",
                    assertJsonError(answer.get()).get("message").asText(), "the answer tells a forger nothing");
            String line = log.lines().filter(l -> l.contains("user token refused")).findFirst()
                    .orElseThrow(() -> new AssertionError(token.getKey() + ": no log line:\n" + log));
            assertTrue(line.contains(" INFO ") && line.contains("reason=" + token.getKey())
                    && line.contains("route=\"GET " + BALANCE + "\""), line);
            assertTrue(line.length() < 400, "one bounded line: " + line);
            assertNothingOfTheToken(token.getValue(), log);
        }
    }

    /** No 12 characters in a row of the token's claims or signature, which would start to identify it. */
    private static void assertNothingOfTheToken(String token, String log) {
        String[] parts = token.split("\\.");
        for (int i = 1; i < parts.length; i++) {
            for (int at = 0; at + 12 <= parts[i].length(); at++) {
                assertTrue(!log.contains(parts[i].substring(at, at + 12)), "part of the token in the log: " + log);
            }
        }
        assertTrue(!log.contains(token), log);
    }

    // ---- helpers ----

    private static HttpResponse<String> expiredTokenAnswer() {
        Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
        return postWithBearer(hmac(JWSAlgorithm.HS256, SECRET, new JWTClaimsSet.Builder()
                .subject("au-expired-reference")
                .expirationTime(Date.from(hourAgo))
                .build()));
    }

    /** Accepted as {@code user} on a POST that reaches Stripe. */
    private static void assertAccepted(String user, JWTClaimsSet claims) {
        HttpResponse<String> created = postWithBearer(hmac(JWSAlgorithm.HS256, SECRET, claims));
        assertEquals(200, created.statusCode(), created.body());
        String sessionId = TestServer.json(created).get("session_id").asText();
        assertEquals(user, server.stripe().session(sessionId).get("client_reference_id").asText());
    }

    private static HttpResponse<String> postWithBearer(String token) {
        return server.post(CREATE, "{\"package_id\": \"starter\"}", token);
    }

    private static void assertRefused(String user, HttpResponse<String> response) {
        assertEquals(401, response.statusCode(), response.body());
        assertEquals("unauthorized", assertJsonError(response).get("error").asText());
        assertEquals(0, server.stripe().createRequests().stream()
                .filter(sent -> user.equals(sent.get("client_reference_id"))).count(), "no Stripe call");
        assertEquals(0, server.queryLong("SELECT COUNT(*) FROM payment_sessions WHERE user_id = ?", user));
        assertEquals(0, server.queryLong("SELECT COUNT(*) FROM users WHERE id = ?", user));
    }

    private static JWTClaimsSet.Builder claims(String sub) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .subject(sub)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1))));
    }

    private static String hmac(JWSAlgorithm algorithm, String secret, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
        sign(jwt, secret);
        return jwt.serialize();
    }

    private static void sign(JWSObject jws, String secret) {
        try {
            jws.sign(new MACSigner(secret.getBytes(UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
