package coinpurse.config;

import static coinpurse.config.Settings.quote;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads settings that are plain text of a given shape: a file path, a cookie name, an instance id. */
final class TextSettings {
    private static final Pattern COOKIE_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private TextSettings() {}

    static Path path(Settings s, String key, String defaultPath) {
        String text = s.get(key).orElse(defaultPath);
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw s.error(key, quote(text) + " is not a file path: " + e.getReason());
        }
    }

    static Optional<String> cookieName(Settings s, String key) {
        Optional<String> value = s.get(key);
        value.ifPresent(name -> {
            if (!COOKIE_NAME.matcher(name).matches()) {
                throw s.error(key, quote(name) + " is not a cookie name (letters, digits and !#$%&'*+-.^_`|~ only)");
            }
        });
        return value;
    }

    static Optional<String> instanceId(Settings s, String key) {
        Optional<String> value = s.get(key);
        value.ifPresent(id -> {
            if (!INSTANCE_ID.matcher(id).matches()) {
                throw s.error(key, quote(id) + " is not an instance id: use 1-64 letters, digits, '_', '-', '.' or ':'");
            }
        });
        return value;
    }
}
