package coinpurse.purchases;

import java.util.Locale;

/** Where a purchase's dispute (chargeback) stands; stored in lower case, none is null. */
public enum DisputeStatus {
    OPEN, WON, LOST;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The stored value, or null for a purchase never disputed. */
    public static DisputeStatus of(String value) {
        return value == null ? null : valueOf(value.toUpperCase(Locale.ROOT));
    }
}
