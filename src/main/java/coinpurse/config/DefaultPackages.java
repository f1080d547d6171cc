package coinpurse.config;

import java.util.Map;

/**
 * The catalog used when the configuration names no package (SPEC: "three built-in packages").
 * They are written in {@code default-packages.properties}, in the syntax of the config file, and
 * read by the same parser as the packages a user writes.
 */
public final class DefaultPackages {
    private static final String RESOURCE = "/coinpurse/default-packages.properties";
    private static final Map<String, String> TEXT = readText();

    private DefaultPackages() {}

    /** The resource's entries, in order, its keys checked like a config file's. */
    static Map<String, String> text() {
        return TEXT;
    }

    private static Map<String, String> readText() {
        Map<String, String> text = PropertiesText.readResource(RESOURCE);
        KnownKeys.check(text.keySet(), "resource " + RESOURCE);
        return text;
    }
}
