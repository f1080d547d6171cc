package coinpurse.auth;

import coinpurse.http.ApiException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Admits the web app's own server: {@code Authorization: Bearer <internal.api_key>}. Without
 * a configured key the internal routes do not exist, and answer as an unknown route does.
 */
public final class InternalAuth {
    private static final String BEARER = "Bearer ";

    private final Optional<byte[]> apiKey;

    public InternalAuth(Optional<String> apiKey) {
        this.apiKey = apiKey.map(key -> key.getBytes(StandardCharsets.UTF_8));
    }

    /** Returns when the caller presented the key; 404 when none is configured, else 401. */
    public void require(Context ctx) {
        byte[] expected = apiKey.orElseThrow(() ->
                ApiException.notFound("No such route: " + ctx.method() + " " + ctx.path()));
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw ApiException.unauthorized("Send the internal API key as 'Authorization: Bearer <key>'.");
        }
        byte[] presented = header.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        // isEqual's time depends only on its first argument's length, so nothing about the
        // key leaks through how long a wrong guess takes.
        if (!MessageDigest.isEqual(expected, presented)) {
            throw ApiException.unauthorized("The internal API key is wrong.");
        }
    }
}
