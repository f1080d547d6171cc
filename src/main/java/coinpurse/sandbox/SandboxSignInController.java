package coinpurse.sandbox;

import coinpurse.auth.TokenService;
import coinpurse.http.ApiException;
import coinpurse.http.JsonBodies;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Map;

/**
 * {@code POST /sandbox/sign-in} {@code {"user_id"}}: a user token for the demo page's "sign in as",
 * registered only with both {@code stripe.sandbox=true} and {@code app.demo=true}. Safe there because
 * the sandbox's rules hold first: the server listens on loopback only and never with a live key, and
 * {@link SandboxController#guard} admits only requests from this machine, naming it, posted by this
 * server's own pages as JSON (no other site open in the browser can obtain a token). Whoever passes
 * that can already buy coins with a test card number: a token gives them nothing more.
 */
public final class SandboxSignInController {
    /** As long as {@code token}'s default. */
    private static final Duration TOKEN_LIFETIME = Duration.ofHours(24);

    private final TokenService tokens;
    private final JsonBodies json;

    public SandboxSignInController(TokenService tokens, JsonBodies json) {
        this.tokens = tokens;
        this.json = json;
    }

    public void signIn(Context ctx) {
        JsonNode userId = json.read(ctx).path("user_id");
        if (!userId.isTextual() || !TokenService.isUserId(userId.textValue())) {
            throw ApiException.badRequest("user_id must be a string of 1 to " + TokenService.MAX_USER_ID_LENGTH
                    + " characters, none of them a control character.");
        }
        ctx.json(Map.of("user_id", userId.textValue(), "token", tokens.issue(userId.textValue(), TOKEN_LIFETIME)));
    }
}
