package coinpurse.wallet;

import coinpurse.http.ApiException;

/** A spend larger than the balance (or any spend while the balance is below zero). */
public class InsufficientFundsException extends ApiException {
    public InsufficientFundsException(String userId, long balance, long amount) {
        super(409, "insufficient_funds",
                "User " + userId + " has " + balance + " coins, fewer than the " + amount + " to spend.");
    }
}
