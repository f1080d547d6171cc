package coinpurse.catalog;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/** The configured packages: the only source of prices. */
public final class PackageCatalog {
    private final List<CoinPackage> packages;

    public PackageCatalog(List<CoinPackage> packages) {
        this.packages = List.copyOf(packages);
    }

    public List<CoinPackage> all() {
        return packages;
    }

    public Optional<CoinPackage> byId(String id) {
        return packages.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /** The package the older client described by its contents and price, if one matches exactly. */
    public Optional<CoinPackage> matching(long coins, long bonus, BigDecimal priceUsd) {
        return packages.stream()
                .filter(p -> p.coins() == coins && p.bonus() == bonus
                        && p.priceUsd().compareTo(priceUsd) == 0)
                .findFirst();
    }
}
