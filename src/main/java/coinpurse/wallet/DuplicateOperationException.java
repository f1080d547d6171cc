package coinpurse.wallet;

/** The insert of an operation met its idempotency key already recorded by another transaction. */
final class DuplicateOperationException extends RuntimeException {
    DuplicateOperationException(String idempotencyKey) {
        super("wallet operation already recorded for idempotency key " + idempotencyKey);
    }
}
