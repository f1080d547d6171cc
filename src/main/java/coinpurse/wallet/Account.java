package coinpurse.wallet;

/**
 * A user's stored balance and debt, read under the user's lock: while the balance is below zero
 * the user owes {@code debt} coins and holds none ({@code balance = unspent coins − debt}).
 */
public record Account(String userId, long balance, long debt) {}
