package coinpurse.holds;

/** A hold the web app's server asks for, as read from its request; the idempotency key names it. */
public record NewHold(String userId, long amount, String idempotencyKey, String reason, long expiresInSeconds) {}
