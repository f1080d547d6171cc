package coinpurse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import coinpurse.catalog.CoinPackage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultPackagesTest {
    @TempDir
    Path dir;

    /** The built-in catalog, read from the resource by the parser of the config file's packages. */
    static List<CoinPackage> builtIn() {
        return CatalogSettings.packages(SettingsSources.layered(DefaultPackages.text(), Map.of()));
    }

    @Test
    void theResourceHoldsTheThreePackagesOfTheReadme() {
        assertEquals(List.of(
                new CoinPackage("starter", "Starter", 100, 0, 499, "usd", null),
                new CoinPackage("popular", "Popular", 500, 50, 1999, "usd", null),
                new CoinPackage("best_value", "Best Value", 1200, 200, 3999, "usd", null)), builtIn());
    }

    @Test
    void theResourceIsAConfigFileThatAUserCouldWrite() throws IOException {
        Path file = dir.resolve("packages.properties");
        try (InputStream resource = getClass().getResourceAsStream("/coinpurse/default-packages.properties")) {
            Files.copy(resource, file);
        }

        assertEquals(builtIn(), ConfigLoader.load(Optional.of(file), Map.of(), dir).packages());
    }

    @Test
    void theEnvironmentCanSellABuiltInPackageAtAStripePrice() {
        Config config = ConfigLoader.load(Optional.empty(), Map.of("PACKAGES_STARTER_STRIPE_PRICE_ID", "price_1Abc"), dir);

        assertEquals("price_1Abc", config.packages().get(0).stripePriceId());
        assertEquals(builtIn().subList(1, 3), config.packages().subList(1, 3));
    }

    @Test
    void aBadOverrideOfABuiltInPackageNamesTheVariable() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), Map.of("PACKAGES_POPULAR_COINS", "0"), dir));

        assertEquals("packages.popular.coins (environment variable PACKAGES_POPULAR_COINS): \"0\" must be at least 1",
                e.getMessage());
    }
}
