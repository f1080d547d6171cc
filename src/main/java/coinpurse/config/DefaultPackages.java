package coinpurse.config;

import coinpurse.catalog.CoinPackage;
import java.util.List;

/** The catalog used when the configuration names no package (SPEC: "three built-in packages"). */
public final class DefaultPackages {
    public static final List<CoinPackage> ALL = List.of(
            new CoinPackage("starter", "Starter", 100, 0, 499, "usd", null),
            new CoinPackage("popular", "Popular", 500, 50, 1999, "usd", null),
            new CoinPackage("best_value", "Best Value", 1200, 200, 3999, "usd", null));

    private DefaultPackages() {}
}
