package coinpurse;

import coinpurse.auth.JwtSecretFile;
import coinpurse.auth.TokenService;
import coinpurse.config.Config;
import coinpurse.db.Database;
import coinpurse.payment.InstanceId;
import coinpurse.stripe.StripeGateway;
import java.time.Clock;
import java.util.Optional;

/**
 * What the app runs on: its settings, the outside things it talks to, and this deployment's
 * instance id ({@code app.instance_id}, resolved against the database).
 */
public record AppDeps(Config config, Database db, Optional<StripeGateway> stripe, TokenService tokens, Clock clock,
        String instanceId) {

    /** Opens the database and builds the Stripe client that {@code config} describes. */
    public static AppDeps open(Config config) {
        TokenService tokens = new TokenService(JwtSecretFile.resolve(config.jwtSecret(), config.dbPath()));
        Optional<StripeGateway> stripe = config.stripeSecretKey()
                .map(key -> StripeGateway.create(key, config.stripeApiBase(), config.stripeTimeout()));
        Database db = Database.open(config.dbPath());
        return new AppDeps(config, db, stripe, tokens, Clock.systemUTC(), InstanceId.resolve(config.instanceId(), db));
    }
}
