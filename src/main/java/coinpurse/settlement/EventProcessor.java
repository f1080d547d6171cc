package coinpurse.settlement;

import coinpurse.db.Database;
import coinpurse.db.DatabaseException;
import coinpurse.settlement.FulfilmentResult.Outcome;
import coinpurse.stripe.StripeEvent;
import java.sql.SQLException;

/**
 * Handles one verified Stripe event, however it arrived (the webhook, {@code reconcile}'s replay):
 * first what it needs from Stripe's API, outside any transaction, then its effect and its record in
 * one write transaction. An event handled before costs no call to Stripe.
 */
public final class EventProcessor {
    private final Database db;
    private final StripeEventHandler handler;

    public EventProcessor(Database db, StripeEventHandler handler) {
        this.db = db;
        this.handler = handler;
    }

    /**
     * Handles the event once and returns what it did, committed.
     *
     * @throws coinpurse.stripe.StripeFailureException Stripe could not answer what the event needs
     *     (nothing was written: Stripe delivers the event again)
     * @throws coinpurse.db.DatabaseException the transaction did not commit
     */
    public FulfilmentResult process(StripeEvent event) {
        if (handler.needsStripe(event) && isDone(event.id())) {
            return FulfilmentResult.of(Outcome.ALREADY_DONE, "event delivered before");
        }
        StripeAnswers answers = handler.stripeAnswersFor(event, false);
        StripeEventHandler.Handled handled = db.inTransaction(connection -> handler.handleOnceLater(connection, event,
                answers));
        try {
            return handled.get(); // committed: its record went with the COMMIT, so the answer is here
        } catch (SQLException e) {
            throw new DatabaseException("database transaction failed", e);
        }
    }

    /** What {@link #process} would do, rolled back: it reads from Stripe but changes nothing there or here. */
    public FulfilmentResult dryRun(StripeEvent event) {
        StripeAnswers answers = handler.stripeAnswersFor(event, true);
        return db.inRolledBackTransaction(connection -> handler.handleOnce(connection, event, answers));
    }

    /** True when the event was handled before and needs nothing more. */
    public boolean isDone(String eventId) {
        return db.read(connection -> handler.wasHandled(connection, eventId));
    }
}
