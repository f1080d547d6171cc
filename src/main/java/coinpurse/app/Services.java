package coinpurse.app;

import coinpurse.catalog.PackageCatalog;
import coinpurse.checkout.Checkout;
import coinpurse.checkout.CheckoutRateLimiter;
import coinpurse.checkout.RedirectUrls;
import coinpurse.config.Config;
import coinpurse.db.Database;
import coinpurse.db.Dialect;
import coinpurse.db.SettingsTable;
import coinpurse.db.Timestamps;
import coinpurse.events.EventFeed;
import coinpurse.events.Outbox;
import coinpurse.events.WebhookSender;
import coinpurse.holds.HoldService;
import coinpurse.metrics.Meters;
import coinpurse.purchases.InstanceId;
import coinpurse.purchases.PaymentSessions;
import coinpurse.settlement.EventProcessor;
import coinpurse.settlement.FraudWarnings;
import coinpurse.settlement.Fulfilment;
import coinpurse.settlement.ProcessedEvents;
import coinpurse.settlement.Reconciler;
import coinpurse.settlement.ReversalRecords;
import coinpurse.settlement.Reversals;
import coinpurse.settlement.SettlementMetrics;
import coinpurse.settlement.StripeCalls;
import coinpurse.settlement.StripeEventHandler;
import coinpurse.stripe.StripeGateway;
import coinpurse.wallet.Balances;
import coinpurse.wallet.CoinBook;
import coinpurse.wallet.Ledger;
import coinpurse.wallet.Wallet;
import coinpurse.wallet.WalletOperations;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import java.util.Random;

/**
 * The one wiring of coinpurse's services: {@code serve} (through {@link App}), {@code reconcile}
 * and the tests all build them here, from the settings, the database, Stripe and one clock.
 * Nothing here knows HTTP; the controllers that expose these services are built in {@link App}.
 */
public record Services(
        PackageCatalog catalog,
        PaymentSessions sessions,
        Ledger ledger,
        CoinBook coinBook,
        Balances balances,
        Timestamps timestamps,
        Fulfilment fulfilment,
        EventProcessor events,
        Optional<Checkout> checkout,
        Wallet wallet,
        HoldService holds,
        Reconciler reconciler,
        SettlementMetrics settlementMetrics,
        Sweeps sweeps,
        EventFeed eventFeed,
        Optional<WebhookSender> webhookSender) {

    /** The services with metrics off: what {@code reconcile} uses. */
    public static Services create(Config config, Database db, Optional<StripeGateway> stripe, Clock clock) {
        return create(config, db, stripe, clock, Meters.off().registry());
    }

    /** The services, counting what they do on {@code meters}. */
    public static Services create(Config config, Database db, Optional<StripeGateway> stripe, Clock clock,
            MeterRegistry meters) {
        Timestamps timestamps = new Timestamps(clock);
        Dialect dialect = db.dialect();
        String instanceId = InstanceId.resolve(config.instanceId(), db, new SettingsTable(timestamps));
        PackageCatalog catalog = new PackageCatalog(config.packages());
        PaymentSessions sessions = new PaymentSessions(timestamps, dialect);
        Ledger ledger = new Ledger(timestamps, dialect);
        Outbox outbox = new Outbox(timestamps, config.eventsWebhookUrl().isPresent());
        CoinBook coinBook = new CoinBook(ledger, timestamps, outbox);
        Balances balances = new Balances();
        ReversalRecords records = new ReversalRecords(timestamps);
        Reversals reversals = new Reversals(sessions, records, coinBook, outbox);
        Fulfilment fulfilment = new Fulfilment(sessions, ledger, coinBook, outbox, catalog, reversals, timestamps,
                instanceId);
        FraudWarnings warnings = new FraudWarnings(timestamps);
        StripeCalls stripeCalls = new StripeCalls(stripe, db, sessions, records, warnings,
                config.refundEarlyFraudWarnings(), instanceId);
        EventProcessor events = new EventProcessor(db, new StripeEventHandler(new ProcessedEvents(timestamps),
                fulfilment, reversals, warnings, stripeCalls, config.stripeLivemode()));
        CheckoutRateLimiter checkoutLimit = new CheckoutRateLimiter(config.checkoutPerMinute(), clock, db);
        Optional<Checkout> checkout = stripe.map(gateway -> new Checkout(gateway,
                new RedirectUrls(config.allowedRedirectOrigins(), config.stripeSandbox(), config.successUrl(),
                        config.cancelUrl()),
                checkoutLimit, db, sessions, ledger, timestamps, instanceId));
        Wallet wallet = new Wallet(db, coinBook, balances, new WalletOperations(dialect), timestamps, meters);
        HoldService holds = new HoldService(db, coinBook, balances, outbox, clock);
        return new Services(catalog, sessions, ledger, coinBook, balances, timestamps, fulfilment, events, checkout,
                wallet, holds, new Reconciler(db, sessions, fulfilment, events), new SettlementMetrics(meters),
                new Sweeps(db, coinBook, holds, checkoutLimit, clock), new EventFeed(db),
                // Built with events.webhook_url (the config then requires the secret); serve starts it, tests drive it.
                config.eventsWebhookUrl().map(url -> WebhookSender.create(db, url,
                        config.eventsWebhookSecret().orElseThrow(), clock, new Random(), meters)));
    }
}
