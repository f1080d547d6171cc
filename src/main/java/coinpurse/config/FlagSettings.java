package coinpurse.config;

import static coinpurse.config.Settings.quote;

import java.util.Locale;

/** Reads settings that switch something on or off: {@code true} or {@code false}, nothing else. */
final class FlagSettings {
    private FlagSettings() {}

    static boolean flag(Settings s, String key, boolean defaultValue) {
        return s.get(key).map(text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw s.error(key, quote(text) + " is not true or false");
        }).orElse(defaultValue);
    }
}
