package coinpurse.config;

import static coinpurse.config.Settings.quote;

import java.util.Locale;

/** Reads on/off settings: {@code true} or {@code false} (any case), nothing looser, so that a typo never silently means off. */
final class FlagSettings {
    private FlagSettings() {}

    static boolean flag(Settings s, String key, boolean defaultValue) {
        return s.get(key).map(text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw s.error(key, quote(text) + " is neither true nor false");
        }).orElse(defaultValue);
    }
}
