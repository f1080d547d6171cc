package coinpurse.wallet;

/** An idempotency key sent again with another user, amount, kind or reason than the first time. */
public class IdempotencyConflictException extends RuntimeException {
    public IdempotencyConflictException(String idempotencyKey) {
        super("The idempotency_key '" + clip(idempotencyKey)
                + "' was already used for a different operation; use a new key for a new operation.");
    }

    private static String clip(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }
}
