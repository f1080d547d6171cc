package coinpurse.checkout;

import coinpurse.catalog.CoinPackage;
import coinpurse.catalog.Money;
import coinpurse.catalog.PackageCatalog;
import coinpurse.stripe.StripeFailureException;
import coinpurse.stripe.StripeGateway;
import coinpurse.stripe.StripePrice;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares each package sold at a Stripe Price ({@code stripe_price_id}) with what that Price
 * charges. Checkout would charge the Price's amount, so a difference means purchases of that
 * package cannot be sold (the checkout route refuses them); the operator must hear of it at start.
 */
public final class PriceCheck {
    private final StripeGateway stripe;
    private final PackageCatalog catalog;

    public PriceCheck(StripeGateway stripe, PackageCatalog catalog) {
        this.stripe = stripe;
        this.catalog = catalog;
    }

    /**
     * One sentence per package whose Price differs from it; empty when all agree.
     *
     * @throws StripeFailureException when Stripe cannot be asked (a Price that does not exist is a problem, not this)
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (CoinPackage pack : catalog.all()) {
            if (pack.stripePriceId() == null) {
                continue;
            }
            StripePrice price;
            try {
                price = stripe.retrievePrice(pack.stripePriceId());
            } catch (StripeFailureException e) {
                if (e.isNotFound()) {
                    problems.add(prefix(pack) + " does not exist in this Stripe account");
                    continue;
                }
                throw e;
            }
            if (price.unitAmount() == null) {
                problems.add(prefix(pack) + " has no fixed unit amount; the catalog says " + catalogPrice(pack));
            } else if (!pack.isPricedAt(price.unitAmount(), price.currency())) {
                problems.add(prefix(pack) + " charges " + Money.fromCents(price.unitAmount()).toPlainString() + " "
                        + price.currency() + " but the catalog says " + catalogPrice(pack)
                        + "; checkouts of this package are refused until they agree");
            }
        }
        return problems;
    }

    private static String prefix(CoinPackage pack) {
        return "package " + pack.id() + ": Stripe Price " + pack.stripePriceId();
    }

    private static String catalogPrice(CoinPackage pack) {
        return Money.fromCents(pack.priceCents()).toPlainString() + " " + pack.currency();
    }
}
