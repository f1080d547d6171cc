package coinpurse.purchases;

import coinpurse.db.Database;
import coinpurse.db.SettingsTable;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This deployment's name on the Stripe account ({@code app.instance_id}): it goes into every
 * Checkout Session's metadata as {@code coinpurse_instance}, and a session unknown here is only
 * recorded from its metadata when it carries this name. Every endpoint of an account receives the
 * whole account's events, so without it another deployment's sessions could be credited here.
 */
public final class InstanceId {
    private static final Logger log = LoggerFactory.getLogger(InstanceId.class);
    private static final String SETTING = "instance_id";

    private InstanceId() {}

    /**
     * The configured id (kept in the database from then on), else the one kept in the database,
     * else a new one, kept: generated once, the same at every start, with the data it belongs to
     * (a backup restored elsewhere, or a second instance on the same database, keeps it).
     */
    public static String resolve(Optional<String> configured, Database db, SettingsTable settings) {
        Optional<String> known = db.read(connection -> settings.get(connection, SETTING));
        if (known.isPresent() && (configured.isEmpty() || configured.equals(known))) {
            return known.get();
        }
        return db.inTransaction(connection -> {
            Optional<String> stored = settings.get(connection, SETTING);
            if (configured.isPresent()) {
                if (stored.isPresent() && !stored.get().equals(configured.get())) {
                    log.warn("app.instance_id is {} but this database was {}: sessions created under {} and"
                            + " unknown here will not be recorded from their metadata",
                            configured.get(), stored.get(), stored.get());
                }
                if (!configured.equals(stored)) {
                    settings.put(connection, SETTING, configured.get());
                }
                return configured.get();
            }
            if (stored.isPresent()) {
                return stored.get();
            }
            // Two instances starting at once on an empty database both get here: the first insert
            // wins, and both answer what it kept.
            String generated = "cp_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
            return settings.putIfAbsent(connection, SETTING, generated);
        });
    }
}
