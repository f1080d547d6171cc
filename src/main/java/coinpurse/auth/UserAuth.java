package coinpurse.auth;

import coinpurse.http.ApiException;
import io.javalin.http.Context;
import java.util.Optional;

/** Finds the calling user from the bearer token, or from the configured cookie. */
public final class UserAuth {
    private static final String BEARER = "Bearer ";

    private final TokenService tokens;
    private final Optional<String> cookieName;

    public UserAuth(TokenService tokens, Optional<String> cookieName) {
        this.tokens = tokens;
        this.cookieName = cookieName;
    }

    /** The caller's user id; 401 when there is no valid token. */
    public String requireUser(Context ctx) {
        String token = tokenOf(ctx).orElseThrow(() ->
                ApiException.unauthorized("Sign in first: send your token as 'Authorization: Bearer <token>'."));
        return tokens.verify(token).orElseThrow(() ->
                ApiException.unauthorized("Your token is invalid or has expired. Sign in again."));
    }

    private Optional<String> tokenOf(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.of(header.substring(BEARER.length()).trim()).filter(t -> !t.isEmpty());
        }
        return cookieName.map(ctx::cookie).filter(t -> !t.isBlank());
    }
}
