package coinpurse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.catalog.CoinPackage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
    private static final String JWT_SECRET = "0123456789abcdef0123456789abcdef-jwt";

    @TempDir
    Path dir;

    // ---- where values come from ----

    @Test
    void defaultsWithoutAnyFile() {
        Config config = ConfigLoader.load(Optional.empty(), Map.of(), dir);

        assertEquals("0.0.0.0", config.serverHost());
        assertEquals(5000, config.serverPort());
        assertEquals(Path.of("data/coinpurse.db"), config.dbPath());
        assertEquals(Optional.empty(), config.stripeSecretKey());
        assertEquals(List.of(), config.stripeWebhookSecrets());
        assertEquals(Optional.empty(), config.stripeApiBase());
        assertEquals(Optional.empty(), config.jwtSecret());
        assertEquals(Optional.empty(), config.cookieName());
        assertEquals(List.of("http://localhost:5173"), config.allowedRedirectOrigins());
        assertEquals("http://localhost:5173/payment/success?session_id={CHECKOUT_SESSION_ID}", config.successUrl());
        assertEquals("http://localhost:5173/payment/cancel", config.cancelUrl());
        assertEquals(List.of("http://localhost:5173"), config.corsAllowedOrigins());
        assertEquals(Optional.empty(), config.internalApiKey());
        assertEquals(10, config.checkoutPerMinute());
        assertEquals(DefaultPackagesTest.builtIn(), config.packages());
    }

    @Test
    void builtInPackagesAreTheThreeOfTheSpec() {
        List<CoinPackage> packages = ConfigLoader.load(Optional.empty(), Map.of(), dir).packages();

        assertEquals(List.of(
                new CoinPackage("starter", "Starter", 100, 0, 499, "usd", null),
                new CoinPackage("popular", "Popular", 500, 50, 1999, "usd", null),
                new CoinPackage("best_value", "Best Value", 1200, 200, 3999, "usd", null)), packages);
    }

    @Test
    void readsEveryValueFromTheFile() throws IOException {
        Config config = loadFile("""
                server.host=127.0.0.1
                server.port=8080
                db.path=/var/lib/coinpurse/db.sqlite
                stripe.secret_key=sk_test_abc123
                stripe.webhook_secret=whsec_one
                stripe.api_base=http://localhost:12111
                auth.jwt_secret=%s
                auth.cookie_name=session_token
                app.allowed_redirect_origins=https://shop.example.com
                app.success_url=https://shop.example.com/done?session_id={CHECKOUT_SESSION_ID}
                app.cancel_url=https://shop.example.com/cancelled
                cors.allowed_origins=https://shop.example.com
                internal.api_key=internal-key-0123456789
                ratelimit.checkout_per_minute=3
                """.formatted(JWT_SECRET), Map.of());

        assertEquals("127.0.0.1", config.serverHost());
        assertEquals(8080, config.serverPort());
        assertEquals(Path.of("/var/lib/coinpurse/db.sqlite"), config.dbPath());
        assertEquals(Optional.of("sk_test_abc123"), config.stripeSecretKey());
        assertEquals(List.of("whsec_one"), config.stripeWebhookSecrets());
        assertEquals(Optional.of("http://localhost:12111"), config.stripeApiBase());
        assertEquals(Optional.of(JWT_SECRET), config.jwtSecret());
        assertEquals(Optional.of("session_token"), config.cookieName());
        assertEquals(List.of("https://shop.example.com"), config.allowedRedirectOrigins());
        assertEquals("https://shop.example.com/done?session_id={CHECKOUT_SESSION_ID}", config.successUrl());
        assertEquals("https://shop.example.com/cancelled", config.cancelUrl());
        assertEquals(List.of("https://shop.example.com"), config.corsAllowedOrigins());
        assertEquals(Optional.of("internal-key-0123456789"), config.internalApiKey());
        assertEquals(3, config.checkoutPerMinute());
    }

    @Test
    void readsConfigPropertiesFromTheWorkingDirectory() throws IOException {
        Files.writeString(dir.resolve("config.properties"), "server.port=7000\n");

        assertEquals(7000, ConfigLoader.load(Optional.empty(), Map.of(), dir).serverPort());
    }

    @Test
    void configFileGivenWinsOverTheWorkingDirectoryOne() throws IOException {
        Files.writeString(dir.resolve("config.properties"), "server.port=7000\n");
        Path other = Files.writeString(dir.resolve("other.properties"), "server.port=7001\n");

        assertEquals(7001, ConfigLoader.load(Optional.of(other), Map.of(), dir).serverPort());
    }

    @Test
    void missingConfigFileIsAnError() {
        Path missing = dir.resolve("nope.properties");

        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Optional.of(missing), Map.of(), dir));
        assertEquals("config file not found: " + missing, e.getMessage());
    }

    @Test
    void environmentOverridesTheFile() throws IOException {
        Config config = loadFile("server.port=8080\nserver.host=127.0.0.1\n",
                Map.of("SERVER_PORT", "9090", "STRIPE_SECRET_KEY", "sk_live_xyz", "UNRELATED", "x"));

        assertEquals(9090, config.serverPort());
        assertEquals("127.0.0.1", config.serverHost());
        assertEquals(Optional.of("sk_live_xyz"), config.stripeSecretKey());
    }

    @Test
    void emptyValuesCountAsNotSet() throws IOException {
        Config config = loadFile("server.port=\nstripe.secret_key=\n", Map.of("SERVER_HOST", "", "DB_PATH", "  "));

        assertEquals(5000, config.serverPort());
        assertEquals("0.0.0.0", config.serverHost());
        assertEquals(Path.of("data/coinpurse.db"), config.dbPath());
        assertEquals(Optional.empty(), config.stripeSecretKey());
    }

    @Test
    void valuesAreTrimmed() throws IOException {
        Config config = loadFile("stripe.secret_key=sk_test_abc   \n", Map.of());

        assertEquals(Optional.of("sk_test_abc"), config.stripeSecretKey());
    }

    @Test
    void environmentOverridesAFieldOfAPackageNamedInTheFile() throws IOException {
        Config config = loadFile("""
                packages.popular.coins=500
                packages.popular.price_usd=19.99
                """, Map.of("PACKAGES_POPULAR_PRICE_USD", "24.99", "PACKAGES_POPULAR_BONUS", "75"));

        CoinPackage popular = config.packages().get(0);
        assertEquals(2499, popular.priceCents());
        assertEquals(75, popular.bonus());
    }

    @Test
    void environmentOverridesAFieldOfABuiltInPackage() {
        Config config = ConfigLoader.load(Optional.empty(), Map.of("PACKAGES_BEST_VALUE_PRICE_USD", "34.99"), dir);

        assertEquals(3, config.packages().size());
        assertEquals(3499, config.packages().get(2).priceCents());
    }

    @Test
    void environmentCannotAddAPackage() throws IOException {
        Config config = loadFile("packages.gold.coins=1000\npackages.gold.price_usd=9.99\n",
                Map.of("PACKAGES_SILVER_COINS", "10", "PACKAGES_SILVER_PRICE_USD", "1.00"));

        assertEquals(List.of("gold"), config.packages().stream().map(CoinPackage::id).toList());
    }

    @Test
    void anErrorFromTheEnvironmentNamesTheVariable() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), Map.of("SERVER_PORT", "http"), dir));
        assertEquals("server.port (environment variable SERVER_PORT): \"http\" is not a port number (0-65535, 0 for"
                + " any free port)",
                e.getMessage());
    }

    // ---- the file's keys ----

    @Test
    void unknownKeyIsRejectedAndNamed() {
        ConfigException e = assertLoadFails("server.prot=5000\n");
        assertTrue(e.getMessage().startsWith("unknown key \"server.prot\""), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean server.port?"), e.getMessage());
    }

    @Test
    void unknownKeyWithoutALikelyMeaningIsRejected() {
        ConfigException e = assertLoadFails("logging.level=debug\n");
        assertTrue(e.getMessage().startsWith("unknown key \"logging.level\""), e.getMessage());
    }

    @Test
    void unknownPackageFieldIsRejectedAndNamed() {
        ConfigException e = assertLoadFails("packages.x.coins=1\npackages.x.price_usd=1\npackages.x.colour=red\n");
        assertTrue(e.getMessage().startsWith("unknown key \"packages.x.colour\""), e.getMessage());
    }

    @Test
    void keyWrittenTwiceIsRejected() {
        ConfigException e = assertLoadFails("server.port=5000\nserver.port=6000\n");
        assertTrue(e.getMessage().startsWith("\"server.port\" is set twice"), e.getMessage());
    }

    @Test
    void fileThatIsNotUtf8IsRejected() throws IOException {
        Path file = Files.write(dir.resolve("latin1.properties"), "server.host=caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Optional.of(file), Map.of(), dir));
        assertTrue(e.getMessage().contains("is not UTF-8 text"), e.getMessage());
    }

    // ---- one kind of value each ----

    @ParameterizedTest
    @ValueSource(strings = {"abc", "65536", "-1", "-0", "80.5", "99999999999"})
    void badPortIsRejected(String port) {
        ConfigException e = assertLoadFails("server.port=" + port + "\n");
        assertEquals("server.port: \"" + port + "\" is not a port number (0-65535, 0 for any free port)",
                e.getMessage());
    }

    /** 0 asks the system for any free port; the start line names the one bound (cli/ServeOnAnyPortTest). */
    @Test
    void portZeroMeansAnyFreePort() throws IOException {
        assertEquals(0, loadFile("server.port=0\n", Map.of()).serverPort());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-3", "ten", "2.5"})
    void rateLimitMustBeAPositiveWholeNumber(String limit) {
        ConfigException e = assertLoadFails("ratelimit.checkout_per_minute=" + limit + "\n");
        assertTrue(e.getMessage().startsWith("ratelimit.checkout_per_minute: \"" + limit + "\""), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "121", "-1", "1.5", "soon"})
    void stripeTimeoutMustBeWholeSecondsFromOneTo120(String seconds) {
        ConfigException e = assertLoadFails("stripe.timeout_seconds=" + seconds + "\n");
        assertTrue(e.getMessage().startsWith("stripe.timeout_seconds: \"" + seconds + "\""), e.getMessage());
    }

    @Test
    void stripeTimeoutDefaultsToFiveSecondsAndCanBeSet() throws IOException {
        assertEquals(java.time.Duration.ofSeconds(5), loadFile("", Map.of()).stripeTimeout());
        assertEquals(java.time.Duration.ofSeconds(12),
                loadFile("", Map.of("STRIPE_TIMEOUT_SECONDS", "12")).stripeTimeout());
    }

    @Test
    void webhookSecretsAreSplitAndTrimmed() throws IOException {
        Config config = loadFile("stripe.webhook_secret= whsec_old , ,whsec_new,\n", Map.of());

        assertEquals(List.of("whsec_old", "whsec_new"), config.stripeWebhookSecrets());
    }

    @Test
    void webhookSecretWithWrongPrefixIsNamedButNotShown() {
        ConfigException e = assertLoadFails("stripe.webhook_secret=whsec_good,sk_test_oops\n");
        assertTrue(e.getMessage().startsWith("stripe.webhook_secret: secret number 2 does not start with whsec_"),
                e.getMessage());
        assertFalse(e.getMessage().contains("oops"), e.getMessage());
    }

    @Test
    void stripeSecretKeyWithWrongPrefixIsNamedButNotShown() {
        ConfigException e = assertLoadFails("stripe.secret_key=sq_test_hidden\n");
        assertEquals("stripe.secret_key: does not start with sk_test_, sk_live_, rk_test_ or rk_live_", e.getMessage());
    }

    @Test
    void publishableKeyInPlaceOfTheSecretKeyIsExplained() {
        ConfigException e = assertLoadFails("stripe.secret_key=pk_test_hidden\n");
        assertTrue(e.getMessage().startsWith("stripe.secret_key: this is a publishable key"), e.getMessage());
        assertFalse(e.getMessage().contains("hidden"), e.getMessage());
    }

    @Test
    void examplePlaceholderLeftInASecretIsRejected() {
        ConfigException e = assertLoadFails("stripe.secret_key=sk_test_...\n");
        assertTrue(e.getMessage().startsWith("stripe.secret_key: still holds the example's placeholder"), e.getMessage());
    }

    @Test
    void jwtSecretTooShortIsRejected() {
        ConfigException e = assertLoadFails("auth.jwt_secret=short-secret-value\n");
        assertTrue(e.getMessage().startsWith("auth.jwt_secret: is too short: HS256 needs a key of at least 256 bits"),
                e.getMessage());
        assertTrue(e.getMessage().contains("32 bytes"), e.getMessage());
        assertFalse(e.getMessage().contains("short-secret-value"), e.getMessage());
    }

    @Test
    void jwtSecretLengthIsCountedInUtf8Bytes() throws IOException {
        String sixteenTwoByteChars = "éééééééééééééééé";

        Config config = loadFile("auth.jwt_secret=" + sixteenTwoByteChars + "\n", Map.of());
        assertEquals(Optional.of(sixteenTwoByteChars), config.jwtSecret());
    }

    @Test
    void internalApiKeyTooShortIsRejected() {
        ConfigException e = assertLoadFails("internal.api_key=letmein\n");
        assertTrue(e.getMessage().startsWith("internal.api_key: is too short"), e.getMessage());
        assertFalse(e.getMessage().contains("letmein"), e.getMessage());
    }

    @Test
    void cookieNameMustBeACookieName() {
        ConfigException e = assertLoadFails("auth.cookie_name=my cookie\n");
        assertTrue(e.getMessage().startsWith("auth.cookie_name: \"my cookie\" is not a cookie name"), e.getMessage());
    }

    @Test
    void stripeApiBaseLosesItsTrailingSlash() throws IOException {
        Config config = loadFile("stripe.api_base=http://localhost:12111/\n", Map.of());

        assertEquals(Optional.of("http://localhost:12111"), config.stripeApiBase());
    }

    @Test
    void stripeApiBaseMustBeHttp() {
        ConfigException e = assertLoadFails("stripe.api_base=localhost:12111\n");
        assertEquals("stripe.api_base: \"localhost:12111\" must start with http:// or https://", e.getMessage());
    }

    @Test
    void originsAreNormalised() throws IOException {
        Config config = loadFile("""
                app.allowed_redirect_origins=HTTPS://Shop.Example.com:443/, http://localhost:80,http://localhost:5173
                cors.allowed_origins=https://shop.example.com:8443 , https://shop.example.com:8443/
                app.success_url=https://shop.example.com/ok
                app.cancel_url=http://localhost:5173/cancel
                """, Map.of());

        assertEquals(List.of("https://shop.example.com", "http://localhost", "http://localhost:5173"),
                config.allowedRedirectOrigins());
        assertEquals(List.of("https://shop.example.com:8443"), config.corsAllowedOrigins());
    }

    @Test
    void originWithAPathIsRejected() {
        ConfigException e = assertLoadFails("cors.allowed_origins=https://shop.example.com/app\n");
        assertTrue(e.getMessage().startsWith(
                "cors.allowed_origins: \"https://shop.example.com/app\" is not an origin"), e.getMessage());
    }

    @Test
    void originWithAnotherSchemeIsRejected() {
        ConfigException e = assertLoadFails("app.allowed_redirect_origins=ftp://shop.example.com\n");
        assertEquals("app.allowed_redirect_origins: \"ftp://shop.example.com\" must start with http:// or https://",
                e.getMessage());
    }

    @Test
    void successUrlMustBeOnAnAllowedRedirectOrigin() {
        ConfigException e = assertLoadFails("app.allowed_redirect_origins=https://shop.example.com\n");
        assertTrue(e.getMessage().startsWith("app.success_url: \"http://localhost:5173/payment/success"), e.getMessage());
        assertTrue(e.getMessage().contains("is not on an allowed redirect origin"), e.getMessage());
    }

    // ---- packages ----

    @Test
    void configuringAnyPackageReplacesTheBuiltInOnes() throws IOException {
        Config config = loadFile("packages.gold_chest.coins=2500\npackages.gold_chest.price_usd=49.99\n", Map.of());

        assertEquals(List.of(new CoinPackage("gold_chest", "Gold Chest", 2500, 0, 4999, "usd", null)),
                config.packages());
    }

    @Test
    void packageWithEveryField() throws IOException {
        Config config = loadFile("""
                packages.eu.name=Euro pouch
                packages.eu.coins=100
                packages.eu.bonus=10
                packages.eu.price_usd=1.5
                packages.eu.currency=EUR
                packages.eu.stripe_price_id=price_123abc
                """, Map.of());

        assertEquals(List.of(new CoinPackage("eu", "Euro pouch", 100, 10, 150, "eur", "price_123abc")),
                config.packages());
    }

    @Test
    void packagesKeepTheOrderOfTheFile() throws IOException {
        Config config = loadFile("""
                packages.zeta.coins=10
                packages.alpha.coins=20
                packages.zeta.price_usd=5
                packages.alpha.price_usd=1
                packages.mid.price_usd=3
                packages.mid.coins=30
                """, Map.of());

        assertEquals(List.of("zeta", "alpha", "mid"), config.packages().stream().map(CoinPackage::id).toList());
    }

    @Test
    void packageWithoutPriceIsNamed() {
        ConfigException e = assertLoadFails("packages.gold.coins=1000\n");
        assertEquals("packages.gold.price_usd is missing: every package needs a price", e.getMessage());
    }

    @Test
    void packageWithoutCoinsIsNamed() {
        ConfigException e = assertLoadFails("packages.gold.price_usd=9.99\n");
        assertEquals("packages.gold.coins is missing: every package needs a number of coins", e.getMessage());
    }

    @Test
    void fractionalCoinsAreRejected() {
        ConfigException e = assertLoadFails("packages.gold.coins=10.5\npackages.gold.price_usd=9.99\n");
        assertEquals("packages.gold.coins: \"10.5\" is not a whole number", e.getMessage());
    }

    @Test
    void zeroCoinsAreRejected() {
        ConfigException e = assertLoadFails("packages.gold.coins=0\npackages.gold.price_usd=9.99\n");
        assertEquals("packages.gold.coins: \"0\" must be at least 1", e.getMessage());
    }

    @Test
    void priceWithThreeDecimalsIsRejected() {
        ConfigException e = assertLoadFails("packages.gold.coins=10\npackages.gold.price_usd=9.999\n");
        assertEquals("packages.gold.price_usd: \"9.999\" has more than two decimals: prices are whole cents",
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0.00", "-1.00"})
    void priceMustBeMoreThanZero(String price) {
        ConfigException e = assertLoadFails("packages.gold.coins=10\npackages.gold.price_usd=" + price + "\n");
        assertEquals("packages.gold.price_usd: \"" + price + "\" must be more than 0", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"19,99", "$19.99", "1e3", "free"})
    void priceMustLookLikeAPrice(String price) {
        ConfigException e = assertLoadFails("packages.gold.coins=10\npackages.gold.price_usd=" + price + "\n");
        assertEquals("packages.gold.price_usd: \"" + price + "\" is not a price like 19.99", e.getMessage());
    }

    @Test
    void negativeBonusIsRejected() {
        ConfigException e = assertLoadFails("packages.gold.coins=10\npackages.gold.price_usd=1\npackages.gold.bonus=-5\n");
        assertEquals("packages.gold.bonus: \"-5\" must be 0 or more", e.getMessage());
    }

    @Test
    void badPackageIdIsRejected() {
        ConfigException e = assertLoadFails("packages.Gold.coins=10\npackages.Gold.price_usd=1\n");
        assertTrue(e.getMessage().startsWith("packages.Gold.coins: the package id \"Gold\""), e.getMessage());
    }

    @Test
    void currencyWithoutCentsIsRejected() {
        ConfigException e = assertLoadFails("packages.yen.coins=10\npackages.yen.price_usd=500\npackages.yen.currency=jpy\n");
        assertTrue(e.getMessage().startsWith("packages.yen.currency: \"jpy\" is not counted in cents"), e.getMessage());
    }

    @Test
    void unknownCurrencyIsRejected() {
        ConfigException e = assertLoadFails("packages.x.coins=10\npackages.x.price_usd=5\npackages.x.currency=uds\n");
        assertEquals("packages.x.currency: \"uds\" is not a three-letter currency code like usd or eur", e.getMessage());
    }

    // ---- the example ----

    @Test
    void anInstanceIdIsOptionalAndMustBeShortPlainText() throws IOException {
        assertEquals(Optional.empty(), loadFile("", Map.of()).instanceId());
        assertEquals(Optional.of("shop-eu-1"), loadFile("app.instance_id=shop-eu-1\n", Map.of()).instanceId());
        assertEquals(Optional.of("from-env"), loadFile("", Map.of("APP_INSTANCE_ID", "from-env")).instanceId());

        ConfigException spaces = assertLoadFails("app.instance_id=my shop\n");
        assertEquals("app.instance_id: \"my shop\" is not an instance id: use 1-64 letters, digits, '_', '-', '.'"
                + " or ':'", spaces.getMessage());
        assertLoadFails("app.instance_id=" + "x".repeat(65) + "\n");
    }

    @Test
    void exampleConfigLoadsAsItIs() {
        Path example = Path.of("config.example.properties");
        assertTrue(Files.isRegularFile(example), "tests run from the project root, where the example lives");

        Config config = ConfigLoader.load(Optional.of(example), Map.of(), dir);

        assertEquals(ConfigLoader.load(Optional.empty(), Map.of(), dir), config);
    }

    @Test
    void exampleConfigDocumentsEveryKey() throws IOException {
        String example = Files.readString(Path.of("config.example.properties"));
        for (String key : List.of("server.host", "server.port", "db.path", "db.url", "db.user", "db.password",
                "db.pool_size", "stripe.secret_key",
                "stripe.webhook_secret", "stripe.api_base", "stripe.timeout_seconds", "auth.jwt_secret", "auth.cookie_name",
                "app.allowed_redirect_origins", "app.success_url", "app.cancel_url", "cors.allowed_origins",
                "internal.api_key", "app.instance_id", "ratelimit.checkout_per_minute", "packages.<id>.coins", "packages.<id>.bonus",
                "packages.<id>.price_usd", "packages.<id>.name", "packages.<id>.currency",
                "packages.<id>.stripe_price_id")) {
            assertTrue(example.contains(key), key + " is not documented in config.example.properties");
        }
    }

    @Test
    void examplePackageBlockLoadsWhenUncommented() throws IOException {
        String example = Files.readString(Path.of("config.example.properties"))
                .replaceAll("(?m)^# (packages\\.\\w+\\.\\w+=)", "$1")
                .replace("packages.gold.stripe_price_id=price_...", "packages.gold.stripe_price_id=price_1Abc");

        Config config = loadFile(example, Map.of());

        assertEquals(List.of("small", "gold"), config.packages().stream().map(CoinPackage::id).toList());
        assertNull(config.packages().get(0).stripePriceId());
    }

    // ---- helpers ----

    private Config loadFile(String text, Map<String, String> env) throws IOException {
        Path file = Files.writeString(dir.resolve("test.properties"), text);
        return ConfigLoader.load(Optional.of(file), env, dir);
    }

    private ConfigException assertLoadFails(String text) {
        return assertThrows(ConfigException.class, () -> loadFile(text, Map.of()));
    }
}
