package coinpurse.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.auth.TokenCheck.Reason;
import coinpurse.auth.TokenCheck.Refused;
import coinpurse.support.TokenForge;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Time claims checked on the service's clock with 60 s of leeway; a remembered token never outside
 * them; only the exact text that was signed, naming a user id without control characters.
 */
class TokenServiceTest {
    private static final String SECRET = "token-service-test-secret-of-at-least-32-bytes";

    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        private Instant now = Instant.now();

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aRememberedTokenIsRefusedOnceItHasExpired() {
        HandClock clock = new HandClock();
        TokenService tokens = new TokenService(SECRET, clock);
        String token = tokens.issue("42", Duration.ofMinutes(10));

        assertEquals(Optional.of("42"), tokens.verify(token));
        assertEquals(Optional.of("42"), tokens.verify(token), "remembered");

        clock.now = clock.now.plus(Duration.ofMinutes(12));
        assertEquals(Optional.empty(), tokens.verify(token), "ten minutes and the clock skew are over");
    }

    @Test
    void aTokenWithOneCharacterChangedIsNotTakenForARememberedOne() {
        TokenService tokens = new TokenService(SECRET);
        String token = tokens.issue("42", Duration.ofMinutes(10));
        assertEquals(Optional.of("42"), tokens.verify(token));

        // A character inside the signature (the last one may carry only unused bits).
        int at = token.length() - 10;
        char original = token.charAt(at);
        String altered = token.substring(0, at) + (original == 'A' ? 'B' : 'A') + token.substring(at + 1);
        assertEquals(Optional.empty(), tokens.verify(altered));
    }

    /**
     * nimbus decodes '+' and '/' as '-' and '_': the same bytes, another text. Tokens are issued
     * for one user id after another until one has the character in its signature.
     */
    @ParameterizedTest
    @CsvSource({"-, +", "_, /"})
    void aTokenWithABase64urlCharacterSpelledInTheOtherAlphabetIsRefused(char urlSafe, char standard) {
        TokenService tokens = new TokenService(SECRET);
        String token = IntStream.range(0, 1000).mapToObj(i -> tokens.issue("u" + i, Duration.ofMinutes(10)))
                .filter(issued -> signatureOf(issued).indexOf(urlSafe) >= 0)
                .findFirst().orElseThrow();
        int at = token.lastIndexOf(urlSafe);
        String respelled = token.substring(0, at) + standard + token.substring(at + 1);

        assertEquals(Optional.empty(), tokens.verify(respelled), respelled);
        assertTrue(tokens.verify(token).isPresent(), "the token as issued");
    }

    /** A signature's 32 bytes take 43 characters: the last one's two low bits are unused. */
    @Test
    void aTokenWhoseLastSignatureCharacterDiffersOnlyInUnusedBitsIsRefused() {
        TokenService tokens = new TokenService(SECRET);
        String token = tokens.issue("42", Duration.ofMinutes(10));
        assertEquals(43, signatureOf(token).length());
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = token.charAt(token.length() - 1);
        for (int unused = 1; unused <= 3; unused++) {
            char sameBytes = alphabet.charAt(alphabet.indexOf(last) ^ unused);
            String respelled = token.substring(0, token.length() - 1) + sameBytes;
            assertArrayEquals(Base64.getUrlDecoder().decode(signatureOf(token)),
                    Base64.getUrlDecoder().decode(signatureOf(respelled)), "the same signature bytes");

            assertEquals(Optional.empty(), tokens.verify(respelled), respelled);
        }
        assertEquals(Optional.of("42"), tokens.verify(token));
    }

    @Test
    void aTokenWithPaddingOrWhitespaceInASegmentIsRefused() {
        TokenService tokens = new TokenService(SECRET);
        String token = tokens.issue("42", Duration.ofMinutes(10));
        String[] segments = token.split("\\.");

        assertEquals(Optional.empty(), tokens.verify(token + "="));
        assertEquals(Optional.empty(), tokens.verify(segments[0] + "=." + segments[1] + "." + segments[2]));
        assertEquals(Optional.empty(), tokens.verify(segments[0] + "." + segments[1] + " ." + segments[2]));
        assertEquals(Optional.empty(), tokens.verify(segments[0] + "." + segments[1] + "\n." + segments[2]));
        assertEquals(Optional.of("42"), tokens.verify(token));
    }

    /** PostgreSQL's text cannot hold NUL; a sub with any control character names no user a token is issued to. */
    @ParameterizedTest
    @ValueSource(strings = {"nul\u0000", "\u0000", "new\nline", "tab\t", "del\u007f"})
    void aSubWithAControlCharacterIsRefusedAndNeverIssued(String sub) {
        HandClock clock = new HandClock();
        TokenService tokens = new TokenService(SECRET, clock);

        assertEquals(Optional.empty(), tokens.verify(forge(clock, sub, null, null)));
        assertThrows(IllegalArgumentException.class, () -> tokens.issue(sub, Duration.ofMinutes(10)));
        assertTrue(tokens.verify(forge(clock, "\u00e9t\u00e9 \ud83d\udcb0", null, null)).isPresent(), "other text is fine");
    }

    /** Written as a JSON escape (nimbus would write '?' for it): stored as '?', it would be another id. */
    @Test
    void aSubWithAnUnpairedSurrogateIsRefusedAndNeverIssued() {
        TokenService tokens = new TokenService(SECRET);
        long exp = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
        JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.HS256),
                new Payload("{\"sub\":\"lone\\ud800\",\"exp\":" + exp + "}"));
        try {
            jws.sign(new MACSigner(SECRET.getBytes(UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }

        assertEquals(Optional.empty(), tokens.verify(jws.serialize()));
        assertThrows(IllegalArgumentException.class, () -> tokens.issue("lone\ud800", Duration.ofMinutes(10)));
    }

    @Test
    void anIatUpToSixtySecondsAheadIsAcceptedAndFurtherIsRefused() {
        HandClock clock = new HandClock();
        TokenService tokens = new TokenService(SECRET, clock);

        assertEquals(Optional.of("42"), tokens.verify(forge(clock, "42", 30, null)));
        assertEquals(Optional.of("42"), tokens.verify(forge(clock, "42", 59, null)));
        assertEquals(Optional.empty(), tokens.verify(forge(clock, "42", 61, null)));
        assertEquals(Optional.empty(), tokens.verify(forge(clock, "42", 90, null)));
    }

    @Test
    void anNbfUpToSixtySecondsAheadIsAcceptedAndFurtherIsRefused() {
        HandClock clock = new HandClock();
        TokenService tokens = new TokenService(SECRET, clock);

        assertEquals(Optional.of("42"), tokens.verify(forge(clock, "42", null, 30)));
        assertEquals(Optional.empty(), tokens.verify(forge(clock, "42", null, 90)));
    }

    @Test
    void aTokenIssuedAheadIsAcceptedOnceTheClockCatchesUp() {
        HandClock clock = new HandClock();
        TokenService tokens = new TokenService(SECRET, clock);
        String token = forge(clock, "42", 90, null);

        assertEquals(Optional.empty(), tokens.verify(token));
        clock.now = clock.now.plusSeconds(31);
        assertEquals(Optional.of("42"), tokens.verify(token));
    }

    /** The clock set back after a token was accepted: its iat or nbf is now too far ahead. */
    @Test
    void aRememberedTokenIsRefusedWhenTheClockIsSetBackBeforeItsIatOrNbf() {
        HandClock clock = new HandClock();
        TokenService tokens = new TokenService(SECRET, clock);
        String issuedAhead = forge(clock, "42", 30, null);
        String validAhead = forge(clock, "43", null, 30);
        assertEquals(Optional.of("42"), tokens.verify(issuedAhead));
        assertEquals(Optional.of("43"), tokens.verify(validAhead));

        clock.now = clock.now.minusSeconds(60);

        assertEquals(Optional.empty(), tokens.verify(issuedAhead), "iat 90 s ahead");
        assertEquals(Optional.empty(), tokens.verify(validAhead), "nbf 90 s ahead");
    }

    // ---- why: each refusal is told apart, for the log ----

    @Test
    void eachRefusalSaysWhyWithoutRepeatingTheToken() {
        HandClock clock = new HandClock();
        TokenService tokens = new TokenService(SECRET, clock);
        long exp = clock.instant().plus(Duration.ofHours(1)).getEpochSecond();
        long past = clock.instant().minus(Duration.ofMinutes(5)).getEpochSecond();

        assertReason(Reason.EXPIRED, tokens, hs256("{\"sub\":\"42\",\"exp\":" + past + "}"));
        assertReason(Reason.NOT_YET_VALID, tokens, forge(clock, "42", null, 90));
        assertReason(Reason.NOT_YET_VALID, tokens, forge(clock, "42", 90, null));
        assertReason(Reason.BAD_SIGNATURE, tokens, TokenForge.mac("HmacSHA256", "{\"alg\":\"HS256\"}",
                "{\"sub\":\"42\",\"exp\":" + exp + "}", SECRET + "-but-another"));
        assertReason(Reason.ALG_NOT_HS256, tokens, TokenForge.mac("HmacSHA512", "{\"alg\":\"HS512\"}",
                "{\"sub\":\"42\",\"exp\":" + exp + "}", SECRET + SECRET));
        assertReason(Reason.ALG_NOT_HS256, tokens, TokenForge.unsigned("{\"alg\":\"none\"}",
                "{\"sub\":\"42\",\"exp\":" + exp + "}", ""));
        assertReason(Reason.SUB_MISSING, tokens, hs256("{\"exp\":" + exp + "}"));
        assertReason(Reason.SUB_NOT_A_STRING, tokens, hs256("{\"sub\":42,\"exp\":" + exp + "}"));
        assertReason(Reason.SUB_NOT_A_USER_ID, tokens, hs256("{\"sub\":\"\",\"exp\":" + exp + "}"));
        assertReason(Reason.EXP_MISSING, tokens, hs256("{\"sub\":\"42\"}"));
        assertReason(Reason.EXP_MISSING, tokens, hs256("{\"sub\":\"42\",\"exp\":null}"));
        assertReason(Reason.MALFORMED, tokens, "not.a-token");
        assertReason(Reason.MALFORMED, tokens, TokenForge.unsigned("[1]", "{}", "AAAA"));
        assertReason(Reason.MALFORMED, tokens, hs256("[\"42\"]"));
    }

    @Test
    void theLogDetailNamesTheTimesAndTheTypeThatWereWrong() {
        HandClock clock = new HandClock();
        TokenService tokens = new TokenService(SECRET, clock);
        Instant past = clock.instant().minus(Duration.ofMinutes(5));

        String expired = detailOf(tokens.check(hs256("{\"sub\":\"42\",\"exp\":" + past.getEpochSecond() + "}")));
        assertTrue(expired.contains(past.truncatedTo(ChronoUnit.SECONDS).toString())
                && expired.contains(clock.instant().truncatedTo(ChronoUnit.SECONDS).toString()), expired);
        String numeric = detailOf(tokens.check(hs256("{\"sub\":42,\"exp\":" + (past.getEpochSecond() + 3600) + "}")));
        assertTrue(numeric.contains("number") && numeric.contains("string"), numeric);
        String rs256 = detailOf(tokens.check(TokenForge.unsigned("{\"alg\":\"RS256\"}", "{}", "AAAA")));
        assertTrue(rs256.contains("RS256"), rs256);
        String hostileAlg = detailOf(tokens.check(TokenForge.unsigned("{\"alg\":\"x\\ny=1 \\\"quoted\\\"\"}", "{}", "AAAA")));
        assertTrue(!hostileAlg.contains("\n") && !hostileAlg.contains("quoted"), "an alg that is no name is not repeated: " + hostileAlg);
    }

    @Test
    void aRememberedTokenPastItsExpIsRefusedAsExpired() {
        HandClock clock = new HandClock();
        TokenService tokens = new TokenService(SECRET, clock);
        String token = tokens.issue("42", Duration.ofMinutes(10));
        assertEquals(Optional.of("42"), tokens.verify(token));

        clock.now = clock.now.plus(Duration.ofMinutes(12));
        assertEquals(Reason.EXPIRED, ((Refused) tokens.check(token)).reason());
    }

    private static void assertReason(Reason expected, TokenService tokens, String token) {
        TokenCheck check = tokens.check(token);
        assertTrue(check instanceof Refused, token + " was accepted");
        Refused refused = (Refused) check;
        assertEquals(expected, refused.reason(), refused.detail());
        for (String part : token.split("\\.")) {
            assertTrue(part.length() < 8 || !refused.detail().contains(part), "the token in the detail: " + refused.detail());
        }
    }

    private static String detailOf(TokenCheck check) {
        return ((Refused) check).detail();
    }

    /** Claims as written, under an HS256 header, signed with this test's secret. */
    private static String hs256(String claimsJson) {
        return TokenForge.mac("HmacSHA256", "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claimsJson, SECRET);
    }

    private static String signatureOf(String token) {
        return token.substring(token.lastIndexOf('.') + 1);
    }

    /** A token for {@code sub} expiring in an hour, with iat and nbf the given seconds from the clock's now (or none). */
    private static String forge(Clock clock, String sub, Integer iatAhead, Integer nbfAhead) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(sub)
                .expirationTime(Date.from(now.plus(Duration.ofHours(1))));
        if (iatAhead != null) {
            claims.issueTime(Date.from(now.plusSeconds(iatAhead)));
        }
        if (nbfAhead != null) {
            claims.notBeforeTime(Date.from(now.plusSeconds(nbfAhead)));
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(new MACSigner(SECRET.getBytes(UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
