package coinpurse.wallet;

/**
 * What a user has now: {@code paid} and {@code bonus}, the unspent coins of each kind (never
 * negative, expired coins not counted); {@code balance} = paid + bonus − debt; {@code held}, what
 * open holds reserve; {@code available} = balance − held, what a spend or a new hold may take.
 */
public record Balance(String userId, long balance, long paid, long bonus, long held, long available) {}
