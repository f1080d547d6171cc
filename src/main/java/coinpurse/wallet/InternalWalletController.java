package coinpurse.wallet;

import coinpurse.auth.InternalAuth;

import coinpurse.auth.TokenService;
import coinpurse.http.ApiException;
import coinpurse.http.BodyFields;
import coinpurse.http.JsonBodies;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Set;

/**
 * {@code POST /api/internal/coins/spend} and {@code /grant}, for the web app's own server.
 * Bodies are read strictly: {@code {"user_id", "amount", "idempotency_key", "reason"}} and
 * nothing else.
 */
public final class InternalWalletController {
    public static final int MAX_KEY_LENGTH = 255;
    public static final int MAX_REASON_LENGTH = 255;
    private static final Set<String> FIELDS = Set.of("user_id", "amount", "idempotency_key", "reason");
    private static final Set<String> GRANT_FIELDS = Set.of("user_id", "amount", "idempotency_key", "reason",
            "expires_at");

    private final InternalAuth auth;
    private final JsonBodies json;
    private final Wallet wallet;

    public InternalWalletController(InternalAuth auth, JsonBodies json, Wallet wallet) {
        this.auth = auth;
        this.json = json;
        this.wallet = wallet;
    }

    public void spend(Context ctx) {
        answer(ctx, WalletOperation.Kind.SPEND);
    }

    public void grant(Context ctx) {
        answer(ctx, WalletOperation.Kind.GRANT);
    }

    private void answer(Context ctx, WalletOperation.Kind kind) {
        auth.require(ctx);
        WalletOperation operation = parse(json.read(ctx), kind);
        ctx.json(wallet.apply(operation));
    }

    private static WalletOperation parse(JsonNode body, WalletOperation.Kind kind) {
        boolean grant = kind == WalletOperation.Kind.GRANT;
        BodyFields.requireObjectOf(body, grant ? GRANT_FIELDS : FIELDS,
                "user_id, amount, idempotency_key and optionally reason" + (grant ? " and expires_at" : ""));
        String userId = BodyFields.requiredId(body, "user_id", TokenService.MAX_USER_ID_LENGTH);
        long amount = BodyFields.wholeNumber(body, "amount", 1, WalletOperation.MAX_AMOUNT);
        String idempotencyKey = BodyFields.requiredId(body, "idempotency_key", MAX_KEY_LENGTH);
        String reason = BodyFields.optionalText(body, "reason", MAX_REASON_LENGTH);
        return new WalletOperation(kind, userId, amount, idempotencyKey, reason, expiresAt(body.get("expires_at")));
    }

    /** An ISO-8601 instant with its offset ({@code 2026-12-31T23:59:59Z}), to the millisecond; null when absent. */
    private static Instant expiresAt(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        try {
            if (value.isTextual()) {
                return OffsetDateTime.parse(value.textValue()).toInstant().truncatedTo(ChronoUnit.MILLIS);
            }
        } catch (DateTimeParseException notIso) {
            // answered below
        }
        throw ApiException.badRequest("expires_at must be an ISO-8601 date and time with its offset, such as"
                + " 2026-12-31T23:59:59Z.");
    }
}
