package coinpurse.stripe;

/** A Stripe Price's amount (smallest currency unit) and currency; {@code unitAmount} is null for a custom price. */
public record StripePrice(String id, Long unitAmount, String currency) {}
