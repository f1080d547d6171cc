package coinpurse.purchases;

import java.util.Locale;

/** The local life of a Checkout Session; stored and answered in lower case. */
public enum SessionStatus {
    PENDING, COMPLETED, FAILED, EXPIRED, REFUNDED;

    /** The payment was credited; a refund keeps it so (its purchase row stays). */
    public boolean isFulfilled() {
        return this == COMPLETED || this == REFUNDED;
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SessionStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
