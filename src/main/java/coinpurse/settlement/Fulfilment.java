package coinpurse.settlement;

import coinpurse.catalog.CoinPackage;
import coinpurse.catalog.PackageCatalog;
import coinpurse.db.Deferred;
import coinpurse.db.Timestamps;
import coinpurse.purchases.PaymentSession;
import coinpurse.purchases.PaymentSessions;
import coinpurse.purchases.SessionStatus;
import coinpurse.settlement.FulfilmentResult.Moved;
import coinpurse.settlement.FulfilmentResult.Outcome;
import coinpurse.stripe.CheckoutSessionData;
import coinpurse.stripe.StripeGateway;
import coinpurse.events.EventType;
import coinpurse.events.Outbox;
import coinpurse.wallet.CoinBook;
import coinpurse.wallet.DuplicateLedgerEntryException;
import coinpurse.wallet.Ledger;
import coinpurse.wallet.LedgerEntry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns a paid Checkout Session into coins, used by the webhook and the
 * status route alike. Every method runs on the caller's write transaction.
 *
 * <p>"Exactly once" rests on the ledger's unique index on purchase rows: a second credit for
 * the same session conflicts there and is answered as already done, whichever path and
 * whichever delivery tried it.
 */
public final class Fulfilment {
    private static final String UNRECORDABLE = "unknown session whose metadata names this deployment but is"
            + " incomplete or does not match a package of the catalog";
    private static final Logger log = LoggerFactory.getLogger(Fulfilment.class);

    private final PaymentSessions sessions;
    private final Ledger ledger;
    private final CoinBook coinBook;
    private final Outbox outbox;

    private final PackageCatalog catalog;
    private final Reversals reversals;
    private final Timestamps timestamps;
    private final String instanceId;

    public Fulfilment(PaymentSessions sessions, Ledger ledger, CoinBook coinBook, Outbox outbox, PackageCatalog catalog,
            Reversals reversals, Timestamps timestamps, String instanceId) {
        this.sessions = sessions;
        this.ledger = ledger;
        this.coinBook = coinBook;
        this.outbox = outbox;
        this.catalog = catalog;
        this.reversals = reversals;
        this.timestamps = timestamps;
        this.instanceId = instanceId;
    }

    /** Credits a paid session's coins once; anything else about it is answered, not changed. */
    public FulfilmentResult fulfil(Connection connection, CheckoutSessionData paid) throws SQLException {
        if (!paid.isPaid()) {
            return FulfilmentResult.of(Outcome.IGNORED, "payment_status is " + paid.paymentStatus());
        }
        Deferred.Later<Boolean> reversalsKept = null;
        if (paid.paymentIntent() != null) {
            sessions.lockPayment(connection, paid.paymentIntent());
            // Asked now, under the payment's lock, and sent with the session's lookup: no round trip of its own.
            reversalsKept = reversals.anyKept(connection, paid.paymentIntent());
        }
        Optional<Known> known = findOrRecord(connection, paid);
        if (known.isEmpty()) {
            // Another app's checkout, or `stripe trigger`'s, is none of ours; ours that can't be read needs a person.
            return notThisDeployments(paid).map(why -> FulfilmentResult.of(Outcome.IGNORED, why))
                    .orElseGet(() -> FulfilmentResult.of(Outcome.REJECTED, UNRECORDABLE));
        }
        PaymentSession session = known.get().session();
        Optional<String> mismatch = amountMismatch(session, paid);
        if (mismatch.isPresent()) {
            log.error("not crediting session {}: {}", session.sessionId(), mismatch.get());
            return FulfilmentResult.of(Outcome.REJECTED, mismatch.get());
        }
        if (session.status().isFulfilled()) {
            return FulfilmentResult.of(Outcome.ALREADY_DONE, "session is " + session.status().value());
        }
        LedgerEntry credit;
        try {
            credit = coinBook.creditPurchase(connection, session.userId(), session.sessionId(), session.coins(),
                    session.bonus(), session.amountCents(), session.currency());
        } catch (DuplicateLedgerEntryException alreadyCredited) {
            return FulfilmentResult.of(Outcome.ALREADY_DONE, "purchase already in the ledger");
        }
        sessions.markCompleted(connection, session.sessionId(), paid.paymentIntent());
        outbox.record(connection, session.userId(), EventType.PURCHASE_UPDATED, new PurchaseStatusData(
                session.sessionId(), SessionStatus.COMPLETED.value(), session.coinsTotal(), credit.balanceAfter()));
        String credited = session.coinsTotal() + " coins to user " + session.userId()
                + (known.get().recordedNow() ? "; the session was unknown here and was recorded from its metadata" : "");
        if (paid.paymentIntent() == null) {
            return new FulfilmentResult(Outcome.CREDITED, credited, new Moved(session.coinsTotal(), null, 0));
        }
        // A refund or dispute that arrived before this credit is applied now, in the same transaction.
        FulfilmentResult reversed = reversals.settleFulfilled(connection, paid.paymentIntent(), reversalsKept);
        return new FulfilmentResult(Outcome.CREDITED, switch (reversed.outcome()) {
            case UPDATED -> credited + "; then " + reversed.detail();
            case REJECTED -> credited + "; its refunds and disputes were not applied: " + reversed.detail();
            default -> credited;
        }, new Moved(session.coinsTotal(), reversed.moved().reversalReason(), reversed.moved().reversalDelta()));
    }

    /** Moves a pending session to failed or expired; a completed one stays completed. */
    public FulfilmentResult close(Connection connection, CheckoutSessionData data, SessionStatus to)
            throws SQLException {
        Optional<Known> known = findOrRecord(connection, data);
        if (known.isEmpty()) {
            return FulfilmentResult.of(Outcome.IGNORED, notThisDeployments(data).orElse(UNRECORDABLE));
        }
        String userId = known.get().session().userId();
        if (sessions.transition(connection, data.id(), SessionStatus.PENDING, to)) {
            outbox.record(connection, userId, EventType.PURCHASE_UPDATED,
                    new PurchaseStatusData(data.id(), to.value(), null, null));
            return FulfilmentResult.of(Outcome.UPDATED, "session is " + to.value());
        }
        return FulfilmentResult.of(Outcome.IGNORED, "session was already " + known.get().session().status().value());
    }

    /** Records a session not yet known here (created elsewhere, or its row was lost). */
    public FulfilmentResult record(Connection connection, CheckoutSessionData data) throws SQLException {
        return findOrRecord(connection, data).isPresent()
                ? FulfilmentResult.of(Outcome.UPDATED, "session recorded, awaiting payment")
                : FulfilmentResult.of(Outcome.IGNORED, notThisDeployments(data).orElse(UNRECORDABLE));
    }

    /** A session as stored here, and whether this call stored it. */
    private record Known(PaymentSession session, boolean recordedNow) {}

    /**
     * The stored session, or one recorded now from the event's metadata. Recording it is told
     * in the result's detail (the webhook's log line) rather than logged here, on the writer thread.
     */
    private Optional<Known> findOrRecord(Connection connection, CheckoutSessionData data) throws SQLException {
        // The user's lock before this transaction's first write (see Ledger#lockUser): the stored
        // session's user, else the one its metadata names when it is this deployment's. Looked up
        // by the statement that locks, which goes with the row's lookup: one round trip.
        String named = metadataUser(data);
        ledger.lockUserOf(connection, PaymentSessions.USER_OF_SESSION_OR, data.id(), named);
        Optional<PaymentSession> stored = sessions.findForUpdate(connection, data.id());
        if (stored.isPresent()) {
            if (!stored.get().userId().equals(named)) {
                ledger.lockUser(connection, stored.get().userId()); // recorded meanwhile for someone else
            }
            return Optional.of(new Known(stored.get(), false));
        }
        Optional<PaymentSession> fromMetadata = fromMetadata(data);
        if (fromMetadata.isEmpty()) {
            return Optional.empty();
        }
        ledger.ensureUser(connection, fromMetadata.get().userId());
        if (sessions.insert(connection, fromMetadata.get())) {
            return Optional.of(new Known(fromMetadata.get(), true));
        }
        // Another process recorded it meanwhile: what it stored is the truth.
        return Optional.of(new Known(sessions.findForUpdate(connection, data.id()).orElseThrow(), false));
    }

    /** The user an unknown session's metadata names, if it names this deployment (null otherwise). */
    private String metadataUser(CheckoutSessionData data) {
        if (notThisDeployments(data).isPresent()) {
            return null;
        }
        String userId = data.metadata().getOrDefault("user_id", data.clientReferenceId());
        return userId == null || userId.isBlank() ? null : userId;
    }

    /**
     * The session an unknown Checkout Session stands for, from the metadata coinpurse gave it,
     * only when it names this deployment and that metadata and the amount paid describe a package
     * of the catalog exactly: a session made by anything else on the same Stripe account (another
     * deployment of coinpurse included) is not ours to credit.
     */
    private Optional<PaymentSession> fromMetadata(CheckoutSessionData data) {
        if (notThisDeployments(data).isPresent()) {
            return Optional.empty();
        }
        String userId = data.metadata().getOrDefault("user_id", data.clientReferenceId());
        Optional<CoinPackage> pack = Optional.ofNullable(data.metadata().get("package_id")).flatMap(catalog::byId);
        Optional<Long> coins = wholeNumber(data.metadata().get("coins"));
        Optional<Long> bonus = wholeNumber(data.metadata().getOrDefault("bonus", "0"));
        if (data.id() == null || userId == null || userId.isBlank() || pack.isEmpty()
                || coins.isEmpty() || bonus.isEmpty() || data.amountTotal() == null || data.currency() == null) {
            return Optional.empty();
        }
        CoinPackage p = pack.get();
        boolean matchesCatalog = p.coins() == coins.get() && p.bonus() == bonus.get()
                && p.isPricedAt(data.amountTotal(), data.currency());
        if (!matchesCatalog) {
            log.error("session {} claims package {} but its metadata or amount ({} {}) differ from the catalog",
                    data.id(), p.id(), data.amountTotal(), data.currency());
            return Optional.empty();
        }
        return Optional.of(new PaymentSession(data.id(), userId, p.id(), p.priceCents(), p.currency(),
                p.coins(), p.bonus(), SessionStatus.PENDING, null, timestamps.now()));
    }

    /**
     * Why a session is none of this deployment's business (its metadata does not name this
     * deployment as its creator), or empty when it names this deployment.
     */
    public Optional<String> notThisDeployments(CheckoutSessionData data) {
        String creator = data.metadata().get(StripeGateway.INSTANCE_METADATA_KEY);
        if (instanceId.equals(creator)) {
            return Optional.empty();
        }
        return Optional.of(creator == null
                ? "not this deployment's: no " + StripeGateway.INSTANCE_METADATA_KEY + " in its metadata"
                        + " (another app's checkout on this Stripe account, or a `stripe trigger`)"
                : "another deployment's session (" + StripeGateway.INSTANCE_METADATA_KEY + " " + creator + ")");
    }

    private static Optional<Long> wholeNumber(String text) {
        try {
            long value = Long.parseLong(text);
            return value >= 0 ? Optional.of(value) : Optional.empty();
        } catch (NumberFormatException | NullPointerException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> amountMismatch(PaymentSession session, CheckoutSessionData paid) {
        boolean amountMatches = paid.amountTotal() != null && paid.amountTotal() == session.amountCents();
        boolean currencyMatches = session.currency().equalsIgnoreCase(paid.currency());
        if (amountMatches && currencyMatches) {
            return Optional.empty();
        }
        return Optional.of("paid " + paid.amountTotal() + " " + paid.currency() + " but the session was for "
                + session.amountCents() + " " + session.currency());
    }
}
