package coinpurse.config;

import static coinpurse.config.Settings.quote;

import java.time.Duration;
import java.util.regex.Pattern;

/** Reads settings that are whole numbers: ports, counts, durations in seconds. */
final class NumberSettings {
    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?[0-9]+");

    private NumberSettings() {}

    /** A TCP port; 0 asks the system for any free one (the start line names the port it got). */
    static int port(Settings s, String key, int defaultPort) {
        return s.get(key).map(text -> {
            if (!WHOLE_NUMBER.matcher(text).matches() || text.startsWith("-") || text.length() > 5
                    || Integer.parseInt(text) > 65535) {
                throw s.error(key, quote(text) + " is not a port number (0-65535, 0 for any free port)");
            }
            return Integer.parseInt(text);
        }).orElse(defaultPort);
    }

    static int positiveInt(Settings s, String key, int defaultValue) {
        return s.get(key).map(text -> {
            long value = wholeNumber(s, key, text, 1);
            if (value > Integer.MAX_VALUE) {
                throw s.error(key, quote(text) + " is too large");
            }
            return (int) value;
        }).orElse(defaultValue);
    }

    /** A number of whole seconds from {@code min} to {@code max}. */
    static Duration seconds(Settings s, String key, int defaultSeconds, int min, int max) {
        return Duration.ofSeconds(bounded(s, key, defaultSeconds, min, max));
    }

    /** A whole number from {@code min} to {@code max}. */
    static int bounded(Settings s, String key, int defaultValue, int min, int max) {
        return s.get(key).map(text -> {
            long value = wholeNumber(s, key, text, min);
            if (value > max) {
                throw s.error(key, quote(text) + " is too large (at most " + max + ")");
            }
            return (int) value;
        }).orElse(defaultValue);
    }

    /** {@code text}, the value of {@code key}, as a whole number of at least {@code min}. */
    static long wholeNumber(Settings s, String key, String text, long min) {
        if (!WHOLE_NUMBER.matcher(text).matches()) {
            throw s.error(key, quote(text) + " is not a whole number");
        }
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw s.error(key, quote(text) + " is too large");
        }
        if (value < min) {
            throw s.error(key, quote(text) + (min == 0 ? " must be 0 or more" : " must be at least " + min));
        }
        return value;
    }
}
