package coinpurse.config;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The text of each setting once the file (or the built-in packages) and the environment are
 * layered, before it is checked and typed by the {@code *Settings} readers.
 *
 * @param text each set key's value, stripped; a key with an empty value is absent
 * @param variableNames the environment variable each key came from, when it came from the environment
 * @param packageIds the packages of the catalog, in the order they are written
 */
record Settings(Map<String, String> text, Map<String, String> variableNames, List<String> packageIds) {
    Settings {
        text = Map.copyOf(text);
        variableNames = Map.copyOf(variableNames);
        packageIds = List.copyOf(packageIds);
    }

    Optional<String> get(String key) {
        return Optional.ofNullable(text.get(key));
    }

    /** The comma-separated items of {@code key}, stripped, empty ones left out; none when it is not set. */
    List<String> list(String key) {
        return Arrays.stream(get(key).orElse("").split(","))
                .map(String::strip)
                .filter(item -> !item.isEmpty())
                .toList();
    }

    /** A one-line error for {@code key}, telling where its value came from when it was the environment. */
    ConfigException error(String key, String problem) {
        String where = variableNames.containsKey(key)
                ? " (environment variable " + variableNames.get(key) + ")"
                : "";
        return new ConfigException(key + where + ": " + problem);
    }

    /** A value as messages show it: in double quotes. Never for a secret. */
    static String quote(String text) {
        return "\"" + text + "\"";
    }
}
