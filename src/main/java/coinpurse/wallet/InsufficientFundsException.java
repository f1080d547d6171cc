package coinpurse.wallet;

/** A spend larger than the balance (or any spend while the balance is below zero). */
public class InsufficientFundsException extends RuntimeException {
    public InsufficientFundsException(String userId, long balance, long amount) {
        super("User " + userId + " has " + balance + " coins, fewer than the " + amount + " to spend.");
    }
}
