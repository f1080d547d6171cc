package coinpurse.checkout;

import coinpurse.catalog.CoinPackage;
import coinpurse.catalog.PackageCatalog;
import coinpurse.checkout.InvalidCheckoutException.Reason;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * A create-checkout-session body, read strictly: {@code {"package_id"}} or the older
 * client's {@code {"coins", "price_usd", "bonus"}}, which must describe a package exactly.
 */
public record CheckoutRequest(CoinPackage coinPackage, Optional<String> successUrl, Optional<String> cancelUrl) {

    public static CheckoutRequest parse(JsonNode body, PackageCatalog catalog) {
        if (body == null || !body.isObject()) {
            throw InvalidCheckoutException.badRequest("The body must be a JSON object such as {\"package_id\": \"popular\"}.");
        }
        CoinPackage coinPackage = body.has("package_id")
                ? byId(body, catalog)
                : byContents(body, catalog);
        return new CheckoutRequest(coinPackage, optionalText(body, "success_url"), optionalText(body, "cancel_url"));
    }

    private static CoinPackage byId(JsonNode body, PackageCatalog catalog) {
        JsonNode id = body.get("package_id");
        if (!id.isTextual()) {
            throw InvalidCheckoutException.badRequest("package_id must be a string.");
        }
        CoinPackage pack = catalog.byId(id.textValue()).orElseThrow(() ->
                new InvalidCheckoutException(Reason.UNKNOWN_PACKAGE, "There is no package '" + clip(id.textValue()) + "'."));
        if (!describes(body, pack)) {
            throw new InvalidCheckoutException(Reason.PACKAGE_MISMATCH,
                    "coins, bonus and price_usd do not match package '" + pack.id() + "'.");
        }
        return pack;
    }

    /** True unless the body also gives coins, bonus or a price that differ from the package's. */
    private static boolean describes(JsonNode body, CoinPackage pack) {
        return (!body.has("coins") || wholeNumber(body, "coins") == pack.coins())
                && (!body.has("bonus") || wholeNumber(body, "bonus") == pack.bonus())
                && (!body.has("price_usd") || price(body).compareTo(pack.priceUsd()) == 0);
    }

    private static CoinPackage byContents(JsonNode body, PackageCatalog catalog) {
        if (!body.has("coins") || !body.has("price_usd")) {
            throw InvalidCheckoutException.badRequest("Name a package: {\"package_id\": \"...\"}.");
        }
        long coins = wholeNumber(body, "coins");
        long bonus = body.has("bonus") ? wholeNumber(body, "bonus") : 0;
        BigDecimal priceUsd = price(body);
        return catalog.matching(coins, bonus, priceUsd).orElseThrow(() -> new InvalidCheckoutException(Reason.UNKNOWN_PACKAGE,
                "No package has " + coins + " coins, " + bonus + " bonus for " + shown(priceUsd) + "."));
    }

    private static BigDecimal price(JsonNode body) {
        JsonNode price = body.get("price_usd");
        if (!price.isNumber()) {
            throw InvalidCheckoutException.badRequest("price_usd must be a number such as 19.99.");
        }
        return price.decimalValue();
    }

    private static long wholeNumber(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw InvalidCheckoutException.badRequest(field + " must be a whole number of at least 0.");
        }
        return value.longValue();
    }

    private static Optional<String> optionalText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() || value.textValue().length() > 2048) {
            throw InvalidCheckoutException.badRequest(field + " must be a URL string.");
        }
        return Optional.of(value.textValue());
    }

    /**
     * The client's price for a message, kept short: the plain form of 1e999999999 is a billion
     * digits (the server's memory), so long ones are shown in scientific notation instead.
     */
    private static String shown(BigDecimal price) {
        long plainLength = (long) price.precision() + Math.abs((long) price.scale());
        return plainLength <= 32 ? price.toPlainString() : clip(price.toString());
    }

    private static String clip(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }
}
