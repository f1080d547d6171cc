package coinpurse.settlement;

/**
 * The {@code data} of a {@code purchase.updated} event: the session's new status, and, once
 * completed, its coins and the buyer's balance then (null otherwise), as the status route answers.
 */
public record PurchaseStatusData(String sessionId, String status, Long coinsAdded, Long newBalance) {}
