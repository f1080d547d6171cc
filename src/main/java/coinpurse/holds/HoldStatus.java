package coinpurse.holds;

import java.util.Locale;

/** Where a hold stands: open until captured, released, or expired at its deadline; the last three are final. */
public enum HoldStatus {
    OPEN, CAPTURED, RELEASED, EXPIRED;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    static HoldStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
