package coinpurse.auth;

import coinpurse.db.StorableText;
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
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues and verifies user tokens: HS256 JWTs whose {@code sub} is the user id and whose
 * {@code exp} is required. Tokens signed with any other algorithm, or none, are refused, and so
 * are tokens past {@code exp}, before {@code nbf} or with an {@code iat} ahead of the clock, each
 * with {@value #LEEWAY_SECONDS} s of leeway. Only the exact text that was signed is accepted:
 * three canonical base64url segments, so no other spelling of the same bytes passes.
 */
public final class TokenService {
    /** The longest user id a token may name. */
    public static final int MAX_USER_ID_LENGTH = 128;
    private static final int MAX_REMEMBERED = 10_000;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    static final int LEEWAY_SECONDS = DefaultJWTClaimsVerifier.DEFAULT_MAX_CLOCK_SKEW_SECONDS;

    private final Clock clock;
    private final byte[] secret;
    private final DefaultJWTProcessor<SecurityContext> processor;
    /**
     * Tokens verified lately, by their exact text (signature included), so that a client
     * polling with one token pays for its HMAC and JSON parsing once. Each is remembered with
     * the window its time claims allow, so that a remembered token is still refused outside it.
     */
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    /** Accepted while {@code acceptedFrom <= now < acceptedUntil}. */
    private record Verified(String userId, Instant acceptedFrom, Instant acceptedUntil) {
        boolean acceptedAt(Instant now) {
            return !now.isBefore(acceptedFrom) && now.isBefore(acceptedUntil);
        }
    }

    public TokenService(String secret) {
        this(secret, Clock.systemUTC());
    }

    /** With the clock that every time claim (exp, nbf, iat) is checked against. */
    public TokenService(String secret, Clock clock) {
        this.clock = clock;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                JWSAlgorithm.HS256, new ImmutableSecret<>(this.secret)));
        processor.setJWTClaimsSetVerifier(new ClaimsVerifier(clock));
    }

    /** nimbus's checks (exp and nbf, with its 60 s skew) on our clock, and an iat not ahead of it. */
    private static final class ClaimsVerifier extends DefaultJWTClaimsVerifier<SecurityContext> {
        private final Clock clock;

        ClaimsVerifier(Clock clock) {
            super(null, new JWTClaimsSet.Builder().build(), Set.of("sub", "exp"));
            setMaxClockSkew(LEEWAY_SECONDS);
            this.clock = clock;
        }

        @Override
        protected Date currentTime() {
            return Date.from(clock.instant());
        }

        @Override
        public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
            super.verify(claims, context);
            Date issued = claims.getIssueTime();
            if (issued != null && issued.toInstant().minusSeconds(LEEWAY_SECONDS).isAfter(clock.instant())) {
                throw new BadJWTException("JWT issued in the future");
            }
        }
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
        Verified known = verified.get(token);
        if (known != null) {
            if (known.acceptedAt(clock.instant())) {
                return Optional.of(known.userId());
            }
            // Expired, or not yet valid on a clock set back since: checked afresh next time.
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
        if (!isCanonicalCompact(token)) {
            return Optional.empty();
        }
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
            if (!isUserId(subject)) {
                return Optional.empty();
            }
            Instant from = Instant.MIN;
            for (Date notBefore : new Date[] {claims.getNotBeforeTime(), claims.getIssueTime()}) {
                if (notBefore != null && notBefore.toInstant().minusSeconds(LEEWAY_SECONDS).isAfter(from)) {
                    from = notBefore.toInstant().minusSeconds(LEEWAY_SECONDS);
                }
            }
            Instant until = claims.getExpirationTime().toInstant().plusSeconds(LEEWAY_SECONDS);
            return Optional.of(new Verified(subject, from, until));
        } catch (ParseException | BadJOSEException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Three base64url segments without padding, each the one encoding of its bytes. nimbus
     * decodes '+' and '/' as '-' and '_', and ignores the unused low bits of a last character:
     * other texts that would verify as the signed one.
     */
    private static boolean isCanonicalCompact(String token) {
        String[] segments = token.split("\\.", -1);
        if (segments.length != 3) {
            return false;
        }
        for (String segment : segments) {
            try {
                if (!BASE64URL.encodeToString(Base64.getUrlDecoder().decode(segment)).equals(segment)) {
                    return false;
                }
            } catch (IllegalArgumentException notBase64url) {
                return false;
            }
        }
        return true;
    }
}
