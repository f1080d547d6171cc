package coinpurse.config;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The environment's layer over the file: each key can be overridden by a variable named like
 * the key in upper case with {@code .} replaced by {@code _}. An empty variable counts as not set.
 *
 * @param values the stripped value of each overridden key
 * @param variableNames the variable each overridden key came from, so that an error can name it
 */
record EnvironmentOverrides(Map<String, String> values, Map<String, String> variableNames) {
    // Named for ConfigLoader so that every warning about the configuration comes under one name.
    private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);

    EnvironmentOverrides {
        values = Map.copyOf(values);
        variableNames = Map.copyOf(variableNames);
    }

    /** The environment variable that overrides {@code key}: {@code stripe.secret_key} → {@code STRIPE_SECRET_KEY}. */
    static String envName(String key) {
        return ConfigKeys.variable(key);
    }

    /** The overrides that {@code env} sets for {@code keys}, the keys that can be set. */
    static EnvironmentOverrides read(Map<String, String> env, List<String> keys) {
        Map<String, String> values = new HashMap<>();
        Map<String, String> variableNames = new HashMap<>();
        Set<String> knownNames = new HashSet<>();
        for (String key : keys) {
            String name = envName(key);
            knownNames.add(name);
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                values.put(key, value.strip());
                variableNames.put(key, name);
            }
        }
        warnAboutIgnoredPackageVariables(env, knownNames);
        return new EnvironmentOverrides(values, variableNames);
    }

    /** The environment can change a package of the catalog but not add one: say so rather than ignore it silently. */
    private static void warnAboutIgnoredPackageVariables(Map<String, String> env, Set<String> knownNames) {
        env.keySet().stream()
                .filter(name -> name.startsWith("PACKAGES_") && !knownNames.contains(name))
                .sorted()
                .forEach(name -> log.warn("Environment variable {} is ignored: it names no package of the catalog "
                        + "(the environment can change a package named in the config file, not add one)", name));
    }
}
