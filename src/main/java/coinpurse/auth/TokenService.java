package coinpurse.auth;

import coinpurse.auth.TokenCheck.Accepted;
import coinpurse.auth.TokenCheck.Reason;
import coinpurse.auth.TokenCheck.Refused;
import coinpurse.db.StorableText;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues and verifies user tokens: HS256 JWTs whose {@code sub} is the user id and whose
 * {@code exp} is required. Tokens signed with any other algorithm, or none, are refused, and so
 * are tokens past {@code exp}, before {@code nbf} or with an {@code iat} ahead of the clock, each
 * with {@value #LEEWAY_SECONDS} s of leeway. Only the exact text that was signed is accepted:
 * three canonical base64url segments, so no other spelling of the same bytes passes.
 * {@link #check} also says why a token is refused, in words for the log.
 */
public final class TokenService {
    /** The longest user id a token may name. */
    public static final int MAX_USER_ID_LENGTH = 128;
    private static final int MAX_REMEMBERED = 10_000;
    static final int LEEWAY_SECONDS = DefaultJWTClaimsVerifier.DEFAULT_MAX_CLOCK_SKEW_SECONDS;

    private final Clock clock;
    private final byte[] secret;
    private final TokenVerifier verifier;
    /**
     * Tokens verified lately, by their exact text (signature included), so that a client
     * polling with one token pays for its HMAC and JSON parsing once. Each is remembered with
     * the window its time claims allow, so that a remembered token is still refused outside it.
     */
    private final Map<String, Accepted> verified = new ConcurrentHashMap<>();

    public TokenService(String secret) {
        this(secret, Clock.systemUTC());
    }

    /** With the clock that every time claim (exp, nbf, iat) is checked against. */
    public TokenService(String secret, Clock clock) {
        this.clock = clock;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.verifier = new TokenVerifier(this.secret, clock);
    }

    /** Whether {@code userId} is one a token may name: 1 to 128 characters, none of them a control character. */
    public static boolean isUserId(String userId) {
        return StorableText.isId(userId, MAX_USER_ID_LENGTH);
    }

    /** A token for {@code userId}, valid for {@code ttl}. */
    public String issue(String userId, Duration ttl) {
        if (!isUserId(userId)) {
            throw new IllegalArgumentException("not a user id a token may name");
        }
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(userId)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    /** The user id of a valid token, or empty for anything else. */
    public Optional<String> verify(String token) {
        return check(token) instanceof Accepted accepted ? Optional.of(accepted.userId()) : Optional.empty();
    }

    /** The user a token names, or why it is refused. */
    public TokenCheck check(String token) {
        Accepted known = verified.get(token);
        if (known != null) {
            Instant now = clock.instant();
            if (known.acceptedAt(now)) {
                return known;
            }
            // Expired, or not yet valid on a clock set back since: checked afresh next time.
            verified.remove(token);
            boolean expired = !now.isBefore(known.acceptedUntil());
            return new Refused(expired ? Reason.EXPIRED : Reason.NOT_YET_VALID, (expired ? "past its exp" : "before its nbf or iat")
                    + ", the server's clock " + now.truncatedTo(ChronoUnit.SECONDS) + " (" + LEEWAY_SECONDS + " s of leeway)");
        }
        TokenCheck checked = verifier.check(token);
        if (checked instanceof Accepted fresh) {
            remember(token, fresh);
        }
        return checked;
    }

    private void remember(String token, Accepted fresh) {
        if (verified.size() >= MAX_REMEMBERED) {
            verified.clear();
        }
        verified.put(token, fresh);
    }
}
