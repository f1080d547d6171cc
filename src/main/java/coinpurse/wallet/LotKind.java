package coinpurse.wallet;

import java.util.Locale;

/** Paid coins (bought with money, worth their purchase's price) or bonus coins (worth nothing). */
public enum LotKind {
    PAID, BONUS;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    static LotKind of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
