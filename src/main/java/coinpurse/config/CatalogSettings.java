package coinpurse.config;

import static coinpurse.config.Settings.quote;

import coinpurse.catalog.CoinPackage;
import coinpurse.catalog.Money;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the catalog: one {@link CoinPackage} per package id, in the order written, from its
 * {@code packages.<id>.<field>} settings, with prices turned into whole cents.
 */
final class CatalogSettings {
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
    private static final Pattern STRIPE_PRICE_ID = Pattern.compile("price_[A-Za-z0-9_]*");

    /** Stripe counts these in whole units or thousandths, not cents: a price in cents would be wrong. */
    private static final Set<String> NOT_CENTS_CURRENCIES = Set.of(
            "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd",
            "vuv", "xaf", "xof", "xpf", "bhd", "jod", "kwd", "omr", "tnd");

    private CatalogSettings() {}

    static List<CoinPackage> packages(Settings s) {
        return s.packageIds().stream().map(id -> coinPackage(s, id)).toList();
    }

    private static CoinPackage coinPackage(Settings s, String id) {
        String key = "packages." + id + ".";
        long coins = s.get(key + "coins")
                .map(text -> NumberSettings.wholeNumber(s, key + "coins", text, 1))
                .orElseThrow(() -> missing(key + "coins", "every package needs a number of coins"));
        long bonus = s.get(key + "bonus")
                .map(text -> NumberSettings.wholeNumber(s, key + "bonus", text, 0))
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

    /** A lower-case ISO 4217 code that Stripe counts in cents; usd when not set. */
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
            if (!STRIPE_PRICE_ID.matcher(id).matches()) {
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
}
