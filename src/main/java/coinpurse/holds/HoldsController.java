package coinpurse.holds;

import coinpurse.auth.TokenService;
import coinpurse.http.BodyFields;
import coinpurse.http.JsonBodies;
import coinpurse.auth.InternalAuth;
import coinpurse.wallet.InternalWalletController;
import coinpurse.wallet.WalletOperation;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code /api/internal/coins/holds…}, for the web app's own server: create a hold, capture it
 * (all of it, or {@code {"amount"}}), release it ({@code {}} or no body), read it.
 */
public final class HoldsController {
    private static final Set<String> CREATE_FIELDS =
            Set.of("user_id", "amount", "idempotency_key", "reason", "expires_in_seconds");
    private static final Set<String> CAPTURE_FIELDS = Set.of("amount");

    private final InternalAuth auth;
    private final JsonBodies json;
    private final HoldService holds;
    private final long maxSeconds;

    /** {@code maxSeconds}: {@code holds.max_seconds}, the longest deadline a hold may ask for. */
    public HoldsController(InternalAuth auth, JsonBodies json, HoldService holds, long maxSeconds) {
        this.auth = auth;
        this.json = json;
        this.holds = holds;
        this.maxSeconds = maxSeconds;
    }

    public void create(Context ctx) {
        auth.require(ctx);
        JsonNode body = json.read(ctx);
        BodyFields.requireObjectOf(body, CREATE_FIELDS,
                "user_id, amount, idempotency_key, expires_in_seconds and optionally reason");
        NewHold hold = new NewHold(
                BodyFields.requiredId(body, "user_id", TokenService.MAX_USER_ID_LENGTH),
                BodyFields.wholeNumber(body, "amount", 1, WalletOperation.MAX_AMOUNT),
                BodyFields.requiredId(body, "idempotency_key", InternalWalletController.MAX_KEY_LENGTH),
                BodyFields.optionalText(body, "reason", InternalWalletController.MAX_REASON_LENGTH),
                BodyFields.wholeNumber(body, "expires_in_seconds", 1, maxSeconds));
        ctx.json(holds.create(hold));
    }

    public void capture(Context ctx) {
        auth.require(ctx);
        JsonNode body = json.readOrEmpty(ctx);
        BodyFields.requireObjectOf(body, CAPTURE_FIELDS, "{} to capture every held coin, or {\"amount\": N}");
        OptionalLong amount = body.has("amount")
                ? OptionalLong.of(BodyFields.wholeNumber(body, "amount", 1, WalletOperation.MAX_AMOUNT))
                : OptionalLong.empty();
        ctx.json(holds.capture(ctx.pathParam("hold_id"), amount));
    }

    public void release(Context ctx) {
        auth.require(ctx);
        BodyFields.requireObjectOf(json.readOrEmpty(ctx), Set.of(), "{} or no body");
        ctx.json(holds.release(ctx.pathParam("hold_id")));
    }

    public void get(Context ctx) {
        auth.require(ctx);
        ctx.json(holds.get(ctx.pathParam("hold_id")));
    }
}
