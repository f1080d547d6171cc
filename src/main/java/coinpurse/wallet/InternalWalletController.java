package coinpurse.wallet;

import coinpurse.auth.TokenService;
import coinpurse.db.StorableText;
import coinpurse.http.ApiException;
import coinpurse.http.JsonBodies;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Set;

/**
 * {@code POST /api/internal/coins/spend} and {@code /grant}, for the web app's own server.
 * Bodies are read strictly: {@code {"user_id", "amount", "idempotency_key", "reason"}} and
 * nothing else.
 */
public final class InternalWalletController {
    private static final int MAX_KEY_LENGTH = 255;
    private static final int MAX_REASON_LENGTH = 255;
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
        if (!body.isObject()) {
            throw ApiException.badRequest(
                    "The body must be a JSON object: {\"user_id\", \"amount\", \"idempotency_key\", \"reason\"}.");
        }
        Set<String> fields = kind == WalletOperation.Kind.GRANT ? GRANT_FIELDS : FIELDS;
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw ApiException.badRequest("Unknown field '" + clip(name) + "'; send user_id, amount,"
                        + " idempotency_key and optionally reason" + (kind == WalletOperation.Kind.GRANT
                                ? " and expires_at." : "."));
            }
        }
        String userId = requiredText(body, "user_id", TokenService.MAX_USER_ID_LENGTH);
        long amount = amount(body.get("amount"));
        String idempotencyKey = requiredText(body, "idempotency_key", MAX_KEY_LENGTH);
        String reason = optionalText(body, "reason", MAX_REASON_LENGTH);
        return new WalletOperation(kind, userId, amount, idempotencyKey, reason, expiresAt(body.get("expires_at")));
    }

    /** A JSON integer token from 1 to the maximum: not 2.5, not 1e3, not "5". */
    private static long amount(JsonNode value) {
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()
                || value.longValue() < 1 || value.longValue() > WalletOperation.MAX_AMOUNT) {
            throw ApiException.badRequest("amount must be a whole number from 1 to " + WalletOperation.MAX_AMOUNT + ".");
        }
        return value.longValue();
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

    private static String requiredText(JsonNode body, String field, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || !StorableText.isId(value.textValue(), maxLength)) {
            throw ApiException.badRequest(field + " must be a non-blank string of at most " + maxLength
                    + " characters, none of them a control character.");
        }
        return value.textValue();
    }

    private static String optionalText(JsonNode body, String field, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.textValue().length() > maxLength || !StorableText.isStorable(value.textValue())) {
            throw ApiException.badRequest(field + " must be a string of at most " + maxLength + " characters, without NUL.");
        }
        return value.textValue();
    }

    private static String clip(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }
}
