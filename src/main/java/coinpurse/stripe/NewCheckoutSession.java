package coinpurse.stripe;

import coinpurse.catalog.CoinPackage;

/** What coinpurse asks Stripe for when a user buys a package. */
public record NewCheckoutSession(
        String userId,
        CoinPackage coinPackage,
        String successUrl,
        String cancelUrl,
        String instanceId) {}
