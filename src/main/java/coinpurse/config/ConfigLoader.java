package coinpurse.config;

import coinpurse.catalog.CoinPackage;
import coinpurse.catalog.Money;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the settings of SPEC.md's configuration table into a {@link Config}.
 *
 * <p>The file is {@code --config FILE} if given, else {@code config.properties} in the working
 * directory if present, else none. Each key can be overridden by an environment variable named
 * like the key in upper case with {@code .} replaced by {@code _}. An empty value counts as not
 * set. Every value is checked here, so that a mistake stops the start with one line naming the
 * key, instead of failing later in a request. A secret's value never appears in a message.
 */
public final class ConfigLoader {
    public static final String DEFAULT_FILE_NAME = "config.properties";

    private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);

    private static final List<String> KEYS = List.of(
            "server.host", "server.port", "db.path",
            "stripe.secret_key", "stripe.webhook_secret", "stripe.api_base", "stripe.timeout_seconds",
            "auth.jwt_secret", "auth.cookie_name",
            "app.allowed_redirect_origins", "app.success_url", "app.cancel_url",
            "cors.allowed_origins", "internal.api_key", "app.instance_id", "ratelimit.checkout_per_minute");
    private static final List<String> PACKAGE_FIELDS =
            List.of("coins", "bonus", "price_usd", "name", "currency", "stripe_price_id");

    private static final String DEFAULT_ORIGIN = "http://localhost:5173";
    private static final String DEFAULT_SUCCESS_URL =
            DEFAULT_ORIGIN + "/payment/success?session_id={CHECKOUT_SESSION_ID}";
    private static final String DEFAULT_CANCEL_URL = DEFAULT_ORIGIN + "/payment/cancel";

    private static final Pattern PACKAGE_ID = Pattern.compile("[a-z0-9_-]{1,64}");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
    private static final Pattern COOKIE_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern STRIPE_KEY = Pattern.compile("[A-Za-z0-9_]+");
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final List<String> STRIPE_KEY_PREFIXES =
            List.of("sk_test_", "sk_live_", "rk_test_", "rk_live_");
    private static final int MIN_JWT_SECRET_BYTES = 32;
    private static final int DEFAULT_STRIPE_TIMEOUT_SECONDS = 5;
    private static final int MIN_INTERNAL_API_KEY_LENGTH = 16;

    /** Stripe counts these in whole units or thousandths, not cents: a price in cents would be wrong. */
    private static final Set<String> NOT_CENTS_CURRENCIES = Set.of(
            "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd",
            "vuv", "xaf", "xof", "xpf", "bhd", "jod", "kwd", "omr", "tnd");

    private ConfigLoader() {}

    /** Loads with {@code config.properties} looked for in the process's working directory. */
    public static Config load(Optional<Path> configFile, Map<String, String> env) {
        return load(configFile, env, Path.of(""));
    }

    /**
     * @param configFile the {@code --config} file; when empty, {@code workingDir/config.properties}
     *     is read if it exists
     * @param env the environment, normally {@code System.getenv()}
     * @throws ConfigException naming the first key that is unknown, missing or malformed
     */
    public static Config load(Optional<Path> configFile, Map<String, String> env, Path workingDir) {
        Settings s = settings(configFile, env, workingDir);
        List<String> redirectOrigins = origins(s, "app.allowed_redirect_origins");
        return new Config(
                s.get("server.host").orElse("0.0.0.0"),
                port(s, "server.port", 5000),
                path(s, "db.path", "data/coinpurse.db"),
                stripeSecretKey(s, "stripe.secret_key"),
                webhookSecrets(s, "stripe.webhook_secret"),
                apiBase(s, "stripe.api_base"),
                Duration.ofSeconds(boundedInt(s, "stripe.timeout_seconds", DEFAULT_STRIPE_TIMEOUT_SECONDS, 1, 120)),
                jwtSecret(s, "auth.jwt_secret"),
                cookieName(s, "auth.cookie_name"),
                redirectOrigins,
                redirectUrl(s, "app.success_url", DEFAULT_SUCCESS_URL, redirectOrigins),
                redirectUrl(s, "app.cancel_url", DEFAULT_CANCEL_URL, redirectOrigins),
                origins(s, "cors.allowed_origins"),
                internalApiKey(s, "internal.api_key"),
                instanceId(s, "app.instance_id"),
                positiveInt(s, "ratelimit.checkout_per_minute", 10),
                packages(s));
    }

    /** The environment variable that overrides {@code key}: {@code stripe.secret_key} → {@code STRIPE_SECRET_KEY}. */
    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    // ---- where the text comes from ----

    /** The raw text of each setting (file, then environment over it), before it is checked. */
    private record Settings(Map<String, String> text, Map<String, String> envNames, List<String> packageIds) {
        Optional<String> get(String key) {
            return Optional.ofNullable(text.get(key));
        }

        /** A one-line error for {@code key}, telling where its value came from when it was the environment. */
        ConfigException error(String key, String problem) {
            String where = envNames.containsKey(key) ? " (environment variable " + envNames.get(key) + ")" : "";
            return new ConfigException(key + where + ": " + problem);
        }
    }

    private static Settings settings(Optional<Path> configFile, Map<String, String> env, Path workingDir) {
        Optional<Path> file = configFile.isPresent()
                ? Optional.of(existing(configFile.get()))
                : Optional.of(workingDir.resolve(DEFAULT_FILE_NAME)).filter(Files::isRegularFile);
        Map<String, String> fileText = file.map(ConfigLoader::readFile).orElse(Map.of());

        List<String> packageIds = new ArrayList<>();
        for (String key : fileText.keySet()) {
            checkKnown(key, file.get(), packageIds);
        }
        Map<String, String> text = new HashMap<>();
        fileText.forEach((key, value) -> {
            if (!value.isBlank()) {
                text.put(key, value.strip());
            }
        });
        if (packageIds.isEmpty()) {
            addBuiltInPackages(text, packageIds);
        }

        Map<String, String> envNames = new HashMap<>();
        Set<String> knownEnvNames = new LinkedHashSet<>();
        for (String key : knownKeys(packageIds)) {
            String name = envName(key);
            knownEnvNames.add(name);
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                text.put(key, value.strip());
                envNames.put(key, name);
            }
        }
        warnAboutIgnoredPackageVariables(env, knownEnvNames);
        return new Settings(text, envNames, List.copyOf(packageIds));
    }

    private static Path existing(Path file) {
        if (!Files.exists(file)) {
            throw new ConfigException("config file not found: " + file);
        }
        return file;
    }

    private static Map<String, String> readFile(Path file) {
        OrderedProperties properties = new OrderedProperties(file);
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (MalformedInputException e) {
            throw new ConfigException("config file " + file + " is not UTF-8 text");
        } catch (AccessDeniedException e) {
            throw new ConfigException("config file " + file + " cannot be read: permission denied");
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage());
        } catch (IllegalArgumentException e) { // a malformed \\uXXXX escape
            throw new ConfigException("config file " + file + " is malformed: " + e.getMessage());
        }
        return properties.inOrder;
    }

    /**
     * Properties that remember the order of the file (so packages keep the order they are
     * written in) and refuse a key written twice (Properties would silently keep the last).
     * {@link Properties#load} stores every entry through {@link #put}.
     */
    private static final class OrderedProperties extends Properties {
        private final Path file;
        private final Map<String, String> inOrder = new LinkedHashMap<>();

        OrderedProperties(Path file) {
            this.file = file;
        }

        @Override
        public synchronized Object put(Object key, Object value) {
            if (inOrder.putIfAbsent((String) key, (String) value) != null) {
                throw new ConfigException("\"" + key + "\" is set twice in " + file);
            }
            return super.put(key, value);
        }
    }

    /** Refuses a key that is not in SPEC's table; collects package ids in order of first appearance. */
    private static void checkKnown(String key, Path file, List<String> packageIds) {
        if (KEYS.contains(key)) {
            return;
        }
        if (!key.startsWith("packages.")) {
            throw unknownKey(key, file, closest(key, KEYS)
                    .map(k -> "did you mean " + k + "?")
                    .orElse("config.example.properties lists every key"));
        }
        String[] parts = key.split("\\.", -1);
        if (parts.length != 3) {
            throw unknownKey(key, file, "package keys look like packages.<id>.<field>");
        }
        String id = parts[1];
        String field = parts[2];
        if (!PACKAGE_FIELDS.contains(field)) {
            throw unknownKey(key, file, closest(field, PACKAGE_FIELDS)
                    .map(f -> "did you mean packages." + id + "." + f + "?")
                    .orElse("a package has " + String.join(", ", PACKAGE_FIELDS)));
        }
        if (!PACKAGE_ID.matcher(id).matches()) {
            throw new ConfigException(key + ": the package id \"" + id
                    + "\" must be 1 to 64 characters among a-z, 0-9, _ and -");
        }
        if (!packageIds.contains(id)) {
            packageIds.add(id);
        }
    }

    private static ConfigException unknownKey(String key, Path file, String hint) {
        return new ConfigException("unknown key \"" + key + "\" in " + file + " (" + hint + ")");
    }

    /** The candidate at most two typing mistakes away from {@code word}, if there is one. */
    private static Optional<String> closest(String word, List<String> candidates) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : candidates) {
            int distance = editDistance(word, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** The built-in catalog, as if written in the file, so that the environment can change it too. */
    private static void addBuiltInPackages(Map<String, String> text, List<String> packageIds) {
        for (CoinPackage p : DefaultPackages.ALL) {
            String prefix = "packages." + p.id() + ".";
            text.put(prefix + "coins", Long.toString(p.coins()));
            text.put(prefix + "bonus", Long.toString(p.bonus()));
            text.put(prefix + "price_usd", p.priceUsd().toPlainString());
            text.put(prefix + "name", p.name());
            text.put(prefix + "currency", p.currency());
            packageIds.add(p.id());
        }
    }

    private static List<String> knownKeys(List<String> packageIds) {
        List<String> keys = new ArrayList<>(KEYS);
        for (String id : packageIds) {
            for (String field : PACKAGE_FIELDS) {
                keys.add("packages." + id + "." + field);
            }
        }
        return keys;
    }

    /** The environment can change a package of the catalog but not add one: say so rather than ignore it silently. */
    private static void warnAboutIgnoredPackageVariables(Map<String, String> env, Set<String> knownEnvNames) {
        env.keySet().stream()
                .filter(name -> name.startsWith("PACKAGES_") && !knownEnvNames.contains(name))
                .sorted()
                .forEach(name -> log.warn("Environment variable {} is ignored: it names no package of the catalog "
                        + "(the environment can change a package named in the config file, not add one)", name));
    }

    // ---- one method per kind of value ----

    private static int port(Settings s, String key, int defaultPort) {
        return s.get(key).map(text -> {
            if (!WHOLE_NUMBER.matcher(text).matches() || text.length() > 5
                    || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 65535) {
                throw s.error(key, quote(text) + " is not a port number (1-65535)");
            }
            return Integer.parseInt(text);
        }).orElse(defaultPort);
    }

    private static Path path(Settings s, String key, String defaultPath) {
        String text = s.get(key).orElse(defaultPath);
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw s.error(key, quote(text) + " is not a file path: " + e.getReason());
        }
    }

    private static int positiveInt(Settings s, String key, int defaultValue) {
        return s.get(key).map(text -> {
            long value = wholeNumber(s, key, text, 1);
            if (value > Integer.MAX_VALUE) {
                throw s.error(key, quote(text) + " is too large");
            }
            return (int) value;
        }).orElse(defaultValue);
    }

    private static int boundedInt(Settings s, String key, int defaultValue, int min, int max) {
        return s.get(key).map(text -> {
            long value = wholeNumber(s, key, text, min);
            if (value > max) {
                throw s.error(key, quote(text) + " is too large (at most " + max + ")");
            }
            return (int) value;
        }).orElse(defaultValue);
    }

    private static long wholeNumber(Settings s, String key, String text, long min) {
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

    private static Optional<String> stripeSecretKey(Settings s, String key) {
        Optional<String> value = s.get(key);
        value.ifPresent(secret -> {
            checkNoPlaceholder(s, key, secret);
            if (secret.startsWith("pk_")) {
                throw s.error(key, "this is a publishable key (pk_...); the server needs the secret key, "
                        + "sk_test_... or sk_live_...");
            }
            if (secret.startsWith("whsec_")) {
                throw s.error(key, "this is a webhook signing secret (whsec_...); it belongs in stripe.webhook_secret");
            }
            if (STRIPE_KEY_PREFIXES.stream().noneMatch(secret::startsWith)) {
                throw s.error(key, "does not start with sk_test_, sk_live_, rk_test_ or rk_live_");
            }
            if (!STRIPE_KEY.matcher(secret).matches()) {
                throw s.error(key, "contains characters that a Stripe key never has");
            }
        });
        return value;
    }

    private static List<String> webhookSecrets(Settings s, String key) {
        List<String> secrets = commaList(s.get(key).orElse(""));
        for (int i = 0; i < secrets.size(); i++) {
            String which = secrets.size() == 1 ? "the secret" : "secret number " + (i + 1);
            checkNoPlaceholder(s, key, secrets.get(i));
            if (!secrets.get(i).startsWith("whsec_")) {
                throw s.error(key, which + " does not start with whsec_ (the signing secret from the Dashboard "
                        + "or from `stripe listen`)");
            }
        }
        return secrets;
    }

    private static Optional<String> apiBase(Settings s, String key) {
        return s.get(key).map(text -> {
            URI uri = httpUri(s, key, text);
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw s.error(key, quote(text) + " must not have a query or a fragment");
            }
            return text.replaceAll("/+$", "");
        });
    }

    private static Optional<String> jwtSecret(Settings s, String key) {
        Optional<String> value = s.get(key);
        value.ifPresent(secret -> {
            checkNoPlaceholder(s, key, secret);
            if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_JWT_SECRET_BYTES) {
                throw s.error(key, "is too short: HS256 needs a key of at least 256 bits, that is at least "
                        + MIN_JWT_SECRET_BYTES + " bytes (make one with: openssl rand -base64 48)");
            }
        });
        return value;
    }

    private static Optional<String> internalApiKey(Settings s, String key) {
        Optional<String> value = s.get(key);
        value.ifPresent(secret -> {
            checkNoPlaceholder(s, key, secret);
            if (secret.length() < MIN_INTERNAL_API_KEY_LENGTH) {
                throw s.error(key, "is too short: use at least " + MIN_INTERNAL_API_KEY_LENGTH
                        + " characters (make one with: openssl rand -hex 32)");
            }
        });
        return value;
    }

    private static Optional<String> instanceId(Settings s, String key) {
        Optional<String> value = s.get(key);
        value.ifPresent(id -> {
            if (!INSTANCE_ID.matcher(id).matches()) {
                throw s.error(key, "\"" + id + "\" is not an instance id: use 1-64 letters, digits, '_', '-', '.' or ':'");
            }
        });
        return value;
    }

    /** Catches a secret copied from config.example.properties without being filled in. */
    private static void checkNoPlaceholder(Settings s, String key, String secret) {
        if (secret.contains("...") || secret.contains("…")) {
            throw s.error(key, "still holds the example's placeholder (...), not a real secret");
        }
        if (secret.chars().anyMatch(Character::isWhitespace)) {
            throw s.error(key, "contains a space");
        }
    }

    private static Optional<String> cookieName(Settings s, String key) {
        Optional<String> value = s.get(key);
        value.ifPresent(name -> {
            if (!COOKIE_NAME.matcher(name).matches()) {
                throw s.error(key, quote(name) + " is not a cookie name (letters, digits and !#$%&'*+-.^_`|~ only)");
            }
        });
        return value;
    }

    /** A comma-separated list of origins, each normalised; the default is the Vite dev server. */
    private static List<String> origins(Settings s, String key) {
        List<String> texts = commaList(s.get(key).orElse(DEFAULT_ORIGIN));
        if (texts.isEmpty()) {
            texts = List.of(DEFAULT_ORIGIN);
        }
        Set<String> origins = new LinkedHashSet<>();
        for (String text : texts) {
            origins.add(origin(s, key, text));
        }
        return List.copyOf(origins);
    }

    /** {@code HTTPS://Shop.Example.com:443/} becomes {@code https://shop.example.com}; a path is refused. */
    private static String origin(Settings s, String key, String text) {
        URI uri = httpUri(s, key, text);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || !(path.isEmpty() || path.equals("/"))) {
            throw s.error(key, quote(text) + " is not an origin: an origin is scheme://host[:port] "
                    + "with no path, like https://shop.example.com");
        }
        return Origins.of(uri);
    }

    /** An absolute http(s) URL on one of the allowed redirect origins, kept as written. */
    private static String redirectUrl(Settings s, String key, String defaultUrl, List<String> allowedOrigins) {
        String text = s.get(key).orElse(defaultUrl);
        // Stripe's {CHECKOUT_SESSION_ID} template is not legal in a URI; check the URL around it.
        URI uri = httpUri(s, key, text.replace("{CHECKOUT_SESSION_ID}", "CHECKOUT_SESSION_ID"));
        if (!allowedOrigins.contains(Origins.of(uri))) {
            throw s.error(key, quote(text) + " is not on an allowed redirect origin (app.allowed_redirect_origins is "
                    + String.join(",", allowedOrigins) + ")");
        }
        return text;
    }

    private static URI httpUri(Settings s, String key, String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw s.error(key, quote(text) + " is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw s.error(key, quote(text) + " must start with http:// or https://");
        }
        if (uri.getHost() == null) {
            throw s.error(key, quote(text) + " has no valid host name");
        }
        return uri;
    }

    private static List<String> commaList(String text) {
        return Arrays.stream(text.split(","))
                .map(String::strip)
                .filter(item -> !item.isEmpty())
                .collect(Collectors.toList());
    }

    // ---- packages ----

    private static List<CoinPackage> packages(Settings s) {
        List<CoinPackage> packages = new ArrayList<>();
        for (String id : s.packageIds()) {
            packages.add(coinPackage(s, id));
        }
        return packages;
    }

    private static CoinPackage coinPackage(Settings s, String id) {
        String key = "packages." + id + ".";
        long coins = s.get(key + "coins")
                .map(text -> wholeNumber(s, key + "coins", text, 1))
                .orElseThrow(() -> missing(key + "coins", "every package needs a number of coins"));
        long bonus = s.get(key + "bonus")
                .map(text -> wholeNumber(s, key + "bonus", text, 0))
                .orElse(0L);
        long priceCents = s.get(key + "price_usd")
                .map(text -> priceCents(s, key + "price_usd", text))
                .orElseThrow(() -> missing(key + "price_usd", "every package needs a price"));
        if (coins > Long.MAX_VALUE - bonus) {
            throw s.error(key + "bonus", "coins + bonus is too large");
        }
        String name = s.get(key + "name").orElse(titleCase(id));
        String currency = currency(s, key + "currency");
        String stripePriceId = stripePriceId(s, key + "stripe_price_id").orElse(null);
        return new CoinPackage(id, name, coins, bonus, priceCents, currency, stripePriceId);
    }

    private static ConfigException missing(String key, String why) {
        return new ConfigException(key + " is missing: " + why);
    }

    /** "19.99" becomes 1999; more than two decimals, zero or less is refused, never rounded. */
    private static long priceCents(Settings s, String key, String text) {
        if (!DECIMAL.matcher(text).matches()) {
            throw s.error(key, quote(text) + " is not a price like 19.99");
        }
        BigDecimal price = new BigDecimal(text);
        if (price.signum() <= 0) {
            throw s.error(key, quote(text) + " must be more than 0");
        }
        try {
            return Money.toCents(price);
        } catch (IllegalArgumentException e) {
            throw s.error(key, quote(text) + " has more than two decimals: prices are whole cents");
        }
    }

    private static String currency(Settings s, String key) {
        String code = s.get(key).orElse("usd").toLowerCase(Locale.ROOT);
        if (!code.matches("[a-z]{3}") || !isIsoCurrency(code)) {
            throw s.error(key, quote(code) + " is not a three-letter currency code like usd or eur");
        }
        if (NOT_CENTS_CURRENCIES.contains(code)) {
            throw s.error(key, quote(code) + " is not counted in cents by Stripe; prices here are in cents, "
                    + "so only two-decimal currencies are supported");
        }
        return code;
    }

    private static boolean isIsoCurrency(String code) {
        try {
            Currency.getInstance(code.toUpperCase(Locale.ROOT));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Optional<String> stripePriceId(Settings s, String key) {
        Optional<String> value = s.get(key);
        value.ifPresent(id -> {
            if (!id.startsWith("price_") || !STRIPE_KEY.matcher(id).matches()) {
                throw s.error(key, quote(id) + " is not a Stripe price id (price_...)");
            }
        });
        return value;
    }

    /** best_value becomes "Best Value"; mega-pack becomes "Mega Pack". */
    private static String titleCase(String id) {
        String name = Arrays.stream(id.split("[_-]+"))
                .filter(word -> !word.isEmpty())
                .map(word -> Character.toUpperCase(word.charAt(0)) + word.substring(1))
                .collect(Collectors.joining(" "));
        return name.isEmpty() ? id : name;
    }

    private static String quote(String text) {
        return "\"" + text + "\"";
    }
}
