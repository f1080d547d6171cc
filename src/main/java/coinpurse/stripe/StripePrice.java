package coinpurse.stripe;

/** A Stripe Price's amount (smallest currency unit) and currency; {@code unitAmount} is null for a custom price. */
public record StripePrice(Long unitAmount, String currency) {}
