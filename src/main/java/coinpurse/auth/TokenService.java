package coinpurse.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues and verifies user tokens: HS256 JWTs whose {@code sub} is the user id and whose
 * {@code exp} is required. Tokens signed with any other algorithm, or none, are refused.
 */
public final class TokenService {
    private static final int MAX_USER_ID_LENGTH = 128;
    private static final int MAX_REMEMBERED = 10_000;

    private final Clock clock;
    private final byte[] secret;
    private final DefaultJWTProcessor<SecurityContext> processor;
    /**
     * Tokens verified lately, by their exact text (signature included), so that a client
     * polling with one token pays for its HMAC and JSON parsing once. Each is still refused
     * once it expires, with the same clock skew nimbus allows.
     */
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    private record Verified(String userId, Instant acceptedUntil) {}

    public TokenService(String secret) {
        this(secret, Clock.systemUTC());
    }

    /** With the clock that decides when a remembered token has expired. */
    public TokenService(String secret, Clock clock) {
        this.clock = clock;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                JWSAlgorithm.HS256, new ImmutableSecret<>(this.secret)));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                null, new JWTClaimsSet.Builder().build(), Set.of("sub", "exp")));
    }

    /** A token for {@code userId}, valid for {@code ttl}. */
    public String issue(String userId, Duration ttl) {
        Instant now = Instant.now();
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
        Verified known = verified.get(token);
        if (known != null) {
            if (clock.instant().isBefore(known.acceptedUntil())) {
                return Optional.of(known.userId());
            }
            verified.remove(token);
            return Optional.empty();
        }
        Optional<Verified> checked = check(token);
        checked.ifPresent(fresh -> remember(token, fresh));
        return checked.map(Verified::userId);
    }

    private void remember(String token, Verified fresh) {
        if (verified.size() >= MAX_REMEMBERED) {
            verified.clear();
        }
        verified.put(token, fresh);
    }

    private Optional<Verified> check(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            // nimbus turns a numeric sub into text; a token's sub must be a JSON string (RFC 7519).
            if (!(jwt.getPayload().toJSONObject().get("sub") instanceof String)) {
                return Optional.empty();
            }
            JWTClaimsSet claims = processor.process(jwt, null);
            // "exp": null counts as present for nimbus's required-claims check, and a null
            // expiry is never checked: such a token would never expire.
            if (claims.getExpirationTime() == null) {
                return Optional.empty();
            }
            String subject = claims.getSubject();
            if (subject == null || subject.isBlank() || subject.length() > MAX_USER_ID_LENGTH) {
                return Optional.empty();
            }
            Instant expires = claims.getExpirationTime().toInstant();
            return Optional.of(new Verified(subject,
                    expires.plusSeconds(DefaultJWTClaimsVerifier.DEFAULT_MAX_CLOCK_SKEW_SECONDS)));
        } catch (ParseException | BadJOSEException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
