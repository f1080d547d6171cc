package coinpurse.auth;

import coinpurse.auth.TokenCheck.Accepted;
import coinpurse.auth.TokenCheck.Refused;
import coinpurse.http.ApiException;
import io.javalin.http.Context;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the calling user from the bearer token, or from the configured cookie. A refused token
 * gets the same 401 whatever its fault, so that a forger learns nothing; the reason goes to the
 * log, one short line at INFO without the token, for the developer whose web app mints them.
 */
public final class UserAuth {
    private static final Logger log = LoggerFactory.getLogger(UserAuth.class);
    private static final String BEARER = "Bearer ";

    private final TokenService tokens;
    private final Optional<String> cookieName;

    public UserAuth(TokenService tokens, Optional<String> cookieName) {
        this.tokens = tokens;
        this.cookieName = cookieName;
    }

    /** The caller's user id; 401 when there is no valid token. */
    public String requireUser(Context ctx) {
        return requireToken(ctx).userId();
    }

    /** The caller's accepted token: its user, and until when it is accepted; 401 when there is none. */
    public Accepted requireToken(Context ctx) {
        String token = tokenOf(ctx).orElseThrow(() ->
                ApiException.unauthorized("Sign in first: send your token as 'Authorization: Bearer <token>'."));
        TokenCheck check = tokens.check(token);
        if (check instanceof Accepted accepted) {
            return accepted;
        }
        Refused refused = (Refused) check;
        // The route's template, not the path sent: nothing of the request but fixed words reaches the line.
        log.info("user token refused route=\"{} {}\" reason={} detail=\"{}\"", ctx.method(), ctx.endpoint().path,
                refused.reason().code(), refused.detail());
        throw ApiException.unauthorized("Your token is invalid or has expired. Sign in again.");
    }

    private Optional<String> tokenOf(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.of(header.substring(BEARER.length()).trim()).filter(t -> !t.isEmpty());
        }
        return cookieName.map(ctx::cookie).filter(t -> !t.isBlank());
    }
}
