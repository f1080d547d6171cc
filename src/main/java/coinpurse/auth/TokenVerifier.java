package coinpurse.auth;

import coinpurse.auth.TokenCheck.Accepted;
import coinpurse.auth.TokenCheck.Reason;
import coinpurse.auth.TokenCheck.Refused;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks one token from scratch, in the order that tells its sender the most without trusting
 * anything unsigned: its form, then {@code alg}, then the HS256 signature, and only then its
 * claims ({@code sub} a string naming a user id, {@code exp} present and not past, {@code nbf}
 * and {@code iat} not ahead), each with {@value TokenService#LEEWAY_SECONDS} s of leeway. Every
 * refusal says why, in words safe to log.
 */
final class TokenVerifier {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    /** An {@code alg} worth naming in a log line; anything else is not repeated. */
    private static final Pattern ALG_NAME = Pattern.compile("[A-Za-z0-9]{1,10}");
    /** No {@code typ}, or {@code JWT}: what nimbus's JWT processor accepts by default. */
    private static final DefaultJOSEObjectTypeVerifier<SecurityContext> TYP =
            new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null);

    private final Clock clock;
    private final MACVerifier signature;
    private final ClaimsVerifier claims;

    TokenVerifier(byte[] secret, Clock clock) {
        this.clock = clock;
        try {
            this.signature = new MACVerifier(secret);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("auth.jwt_secret is too short for HS256: " + e.getMessage(), e);
        }
        this.claims = new ClaimsVerifier(clock);
    }

    /** nimbus's exp and nbf checks, with its clock skew, on our clock. */
    private static final class ClaimsVerifier extends DefaultJWTClaimsVerifier<SecurityContext> {
        private final Clock clock;

        ClaimsVerifier(Clock clock) {
            super(null, new JWTClaimsSet.Builder().build(), null);
            setMaxClockSkew(TokenService.LEEWAY_SECONDS);
            this.clock = clock;
        }

        @Override
        protected Date currentTime() {
            return Date.from(clock.instant());
        }
    }

    TokenCheck check(String token) {
        try {
            return checkFromScratch(token);
        } catch (RuntimeException e) {
            // A library's surprise on a hostile token is still a refusal, never a 500.
            return refused(Reason.MALFORMED, "it cannot be read");
        }
    }

    private TokenCheck checkFromScratch(String token) {
        String[] parts = token.split("\\.", -1);
        if (!isCanonicalCompact(parts)) {
            return refused(Reason.MALFORMED, "not three base64url parts");
        }
        Map<String, Object> header;
        try {
            header = JSONObjectUtils.parse(new Base64URL(parts[0]).decodeToString());
        } catch (ParseException e) {
            return refused(Reason.MALFORMED, "its header is not a JSON object");
        }
        if (!JWSAlgorithm.HS256.getName().equals(header.get("alg"))) {
            Object alg = header.get("alg");
            return refused(Reason.ALG_NOT_HS256, alg instanceof String name && ALG_NAME.matcher(name).matches()
                    ? "alg is " + name + ", not HS256" : "alg is missing or not a name, not HS256");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
            TYP.verify(jwt.getHeader().getType(), null);
        } catch (ParseException e) {
            return refused(Reason.MALFORMED, "not a JWS");
        } catch (BadJOSEException e) {
            return refused(Reason.MALFORMED, "its typ is not JWT");
        }
        try {
            if (!jwt.verify(signature)) {
                return refused(Reason.BAD_SIGNATURE, "not signed with this server's auth.jwt_secret (its UTF-8 bytes as the HS256 key)");
            }
        } catch (JOSEException e) {
            return refused(Reason.BAD_SIGNATURE, "its signature cannot be checked");
        }
        return checkClaims(jwt);
    }

    /** The claims of a token whose signature is good. */
    private TokenCheck checkClaims(SignedJWT jwt) {
        Map<String, Object> raw = jwt.getPayload().toJSONObject();
        if (raw == null) {
            return refused(Reason.MALFORMED, "its claims are not a JSON object");
        }
        Object sub = raw.get("sub");
        if (sub == null) {
            return refused(Reason.SUB_MISSING, "no sub: put the user id in sub, as a string");
        }
        // nimbus would turn a numeric sub into text; a token's sub is a JSON string (RFC 7519).
        if (!(sub instanceof String subject)) {
            return refused(Reason.SUB_NOT_A_STRING, "sub is a JSON " + jsonType(sub)
                    + ", not a string: sign the user id as a string (sub '42', not 42)");
        }
        JWTClaimsSet set;
        try {
            set = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return refused(Reason.MALFORMED, "its claims are not a JWT claims set");
        }
        // "exp": null would count as present for nimbus, and a null expiry is never checked.
        if (set.getExpirationTime() == null) {
            return refused(Reason.EXP_MISSING, "no exp: every token needs an expiry");
        }
        Instant now = clock.instant();
        try {
            claims.verify(set, null);
        } catch (ExpiredJWTException e) {
            return refused(Reason.EXPIRED, "exp " + text(set.getExpirationTime()) + atServerTime(now));
        } catch (BadJWTException e) {
            return refused(Reason.NOT_YET_VALID, "nbf " + text(set.getNotBeforeTime()) + atServerTime(now));
        }
        Date issued = set.getIssueTime();
        if (issued != null && issued.toInstant().minusSeconds(TokenService.LEEWAY_SECONDS).isAfter(now)) {
            return refused(Reason.NOT_YET_VALID, "iat " + text(issued) + atServerTime(now));
        }
        if (!TokenService.isUserId(subject)) {
            return refused(Reason.SUB_NOT_A_USER_ID, "sub is not a user id: 1 to " + TokenService.MAX_USER_ID_LENGTH
                    + " characters, none of them a control character");
        }
        Instant from = Instant.MIN;
        for (Date notBefore : new Date[] {set.getNotBeforeTime(), issued}) {
            if (notBefore != null && notBefore.toInstant().minusSeconds(TokenService.LEEWAY_SECONDS).isAfter(from)) {
                from = notBefore.toInstant().minusSeconds(TokenService.LEEWAY_SECONDS);
            }
        }
        Instant until = set.getExpirationTime().toInstant().plusSeconds(TokenService.LEEWAY_SECONDS);
        return new Accepted(subject, from, until);
    }

    private static Refused refused(Reason reason, String detail) {
        return new Refused(reason, detail);
    }

    private static String atServerTime(Instant now) {
        return ", the server's clock " + now.truncatedTo(ChronoUnit.SECONDS) + " (" + TokenService.LEEWAY_SECONDS
                + " s of leeway)";
    }

    private static String text(Date date) {
        return date == null ? "none" : date.toInstant().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String jsonType(Object value) {
        if (value instanceof Number) {
            return "number";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        return value instanceof List ? "array" : value instanceof Map ? "object" : "value";
    }

    /**
     * Three base64url segments without padding, each the one encoding of its bytes. nimbus
     * decodes '+' and '/' as '-' and '_', and ignores the unused low bits of a last character:
     * other texts that would verify as the signed one.
     */
    private static boolean isCanonicalCompact(String[] segments) {
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
