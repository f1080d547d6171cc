package coinpurse.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Time claims checked on the service's clock with 60 s of leeway; a remembered token never outside them. */
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
