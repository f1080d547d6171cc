package coinpurse.stripe;

import coinpurse.catalog.CoinPackage;
import java.util.Map;

/** What coinpurse asks Stripe for when a user buys a package. */
public record NewCheckoutSession(
        String userId,
        CoinPackage coinPackage,
        String successUrl,
        String cancelUrl,
        String instanceId) {

    /**
     * The metadata coinpurse puts on the session and on its payment intent (so on what the Dashboard
     * shows): who bought which package, and which deployment sold it.
     */
    public Map<String, String> metadata() {
        return Map.of(
                "user_id", userId,
                "package_id", coinPackage.id(),
                "coins", Long.toString(coinPackage.coins()),
                "bonus", Long.toString(coinPackage.bonus()),
                StripeGateway.INSTANCE_METADATA_KEY, instanceId);
    }
}
