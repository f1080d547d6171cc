package coinpurse.catalog;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Converts between decimal prices at the edges and whole cents inside. */
public final class Money {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private Money() {}

    /**
     * 19.99 becomes 1999. A price with more than two decimals or below zero is refused,
     * rather than rounded, because a silently rounded price is a wrong price.
     */
    public static long toCents(BigDecimal amount) {
        if (amount.signum() < 0) {
            throw new IllegalArgumentException("a price cannot be negative");
        }
        BigDecimal cents = amount.multiply(HUNDRED);
        try {
            return cents.setScale(0, RoundingMode.UNNECESSARY).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("a price must be whole cents (at most two decimals)");
        }
    }

    /** 1999 becomes 19.99 (always two decimals). */
    public static BigDecimal fromCents(long cents) {
        return BigDecimal.valueOf(cents, 2);
    }
}
