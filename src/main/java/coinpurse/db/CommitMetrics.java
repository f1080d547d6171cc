package coinpurse.db;

import coinpurse.metrics.Meters;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * How long commits take (the fsync, on SQLite) and how many callers' transactions share one
 * ({@link GroupCommit}; always one on PostgreSQL, where it is not recorded). Built once per database.
 */
final class CommitMetrics {
    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64};

    private final Timer commit;
    private final DistributionSummary batch;

    CommitMetrics(MeterRegistry registry, Dialect dialect) {
        String backend = dialect.vendor();
        commit = Timer.builder("coinpurse.db.commit")
                .description("Time to commit one write transaction (on SQLite: one group commit)")
                .tag("backend", backend)
                .serviceLevelObjectives(Meters.LATENCY_BUCKETS)
                .register(registry);
        batch = DistributionSummary.builder("coinpurse.db.commit.batch")
                .description("Callers' transactions committed together by one SQLite group commit")
                .baseUnit("transactions")
                .serviceLevelObjectives(BATCH_BUCKETS)
                .register(registry);
    }

    /** A commit that succeeded after {@code nanos}, carrying {@code transactions} callers' work. */
    void committed(long nanos, int transactions) {
        commit.record(nanos, TimeUnit.NANOSECONDS);
        batch.record(transactions);
    }

    /** A commit of one transaction (PostgreSQL) that succeeded after {@code nanos}. */
    void committed(long nanos) {
        commit.record(nanos, TimeUnit.NANOSECONDS);
    }
}
