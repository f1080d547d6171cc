package coinpurse.catalog;

import java.math.BigDecimal;

/**
 * One thing on sale: {@code coins + bonus} coins for {@code priceCents}.
 * {@code stripePriceId} is null unless the operator created the price in Stripe.
 */
public record CoinPackage(
        String id,
        String name,
        long coins,
        long bonus,
        long priceCents,
        String currency,
        String stripePriceId) {

    public long coinsTotal() {
        return coins + bonus;
    }

    /** True when {@code amount} (smallest currency unit) in {@code currency} is this package's price. */
    public boolean isPricedAt(Long amount, String currency) {
        return amount != null && amount == priceCents && this.currency.equalsIgnoreCase(currency);
    }

    public BigDecimal priceUsd() {
        return Money.fromCents(priceCents);
    }
}
