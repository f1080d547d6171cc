package coinpurse.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A verified token is remembered, but never past its expiry. */
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
}
