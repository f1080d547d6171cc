package coinpurse.wallet;

import java.time.Instant;

/**
 * One spend or grant the web app's server asks for, as read from its request; a grant's coins may
 * expire at {@code expiresAt} (null: never). The idempotency key names it: the same key always
 * means this same operation.
 */
public record WalletOperation(Kind kind, String userId, long amount, String idempotencyKey, String reason,
        Instant expiresAt) {
    /** The most one operation may move; anything larger is a caller's bug, not a purchase. */
    public static final long MAX_AMOUNT = 1_000_000_000L;

    public enum Kind {
        SPEND("spend"), GRANT("grant");

        private final String value;

        Kind(String value) {
            this.value = value;
        }

        /** As stored: {@code wallet_operations.kind} and the ledger row's {@code reason}. */
        public String value() {
            return value;
        }

        static Kind of(String value) {
            for (Kind kind : values()) {
                if (kind.value.equals(value)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown wallet operation kind " + value);
        }
    }

    public WalletOperation {
        if (amount < 1) {
            throw new IllegalArgumentException("amount must be positive: " + amount);
        }
        if (expiresAt != null && kind != Kind.GRANT) {
            throw new IllegalArgumentException("only a grant expires");
        }
    }
}
