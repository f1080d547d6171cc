package coinpurse.db;

import coinpurse.threads.DaemonThreads;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Group commit: the write transactions that callers submit while one commit is under way are
 * run together by a single writer thread and committed once, so a burst pays one fsync for a
 * batch instead of one each. Each caller still gets only its own result, and only after the
 * commit that made it durable: nothing is answered before it is safe.
 *
 * <p>The contract a caller can rely on: {@link #submit} returns the work's result once it is
 * committed, or throws and nothing of it was committed. A caller that waits longer than
 * {@code turnTimeout} for the writer to start its work withdraws it, and the writer then never
 * runs it; once the writer has started it, the caller waits for the end of its transaction,
 * however long that takes, so a failure is never reported for work that later commits.
 */
final class GroupCommit implements AutoCloseable {
    private static final int MAX_BATCH = 64;
    private static final int QUEUED = 0;
    private static final int STARTED = 1;
    private static final int WITHDRAWN = 2;

    /** One caller's work, and what became of it. */
    static final class Pending<T> {
        final SqlWork<T> work;
        private final CompletableFuture<T> outcome = new CompletableFuture<>();
        private final AtomicInteger state = new AtomicInteger(QUEUED);

        Pending(SqlWork<T> work) {
            this.work = work;
        }

        /** The writer takes the work on; false when its caller withdrew it first. */
        boolean start() {
            return state.compareAndSet(QUEUED, STARTED);
        }

        /** The caller gives up waiting; false when the writer started the work first. */
        boolean withdraw() {
            return state.compareAndSet(QUEUED, WITHDRAWN);
        }

        @SuppressWarnings("unchecked")
        void succeed(Object result) {
            outcome.complete((T) result);
        }

        void fail(Throwable failure) {
            outcome.completeExceptionally(failure);
        }
    }

    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final Duration turnTimeout;
    private volatile boolean closed;

    /**
     * Starts the writer thread; {@code runBatch} must settle every Pending it is given. A caller
     * whose work has not started within {@code turnTimeout} withdraws it.
     */
    GroupCommit(Consumer<List<Pending<?>>> runBatch, Duration turnTimeout) {
        this.turnTimeout = turnTimeout;
        writer = DaemonThreads.of(() -> loop(runBatch), "coinpurse-db-writer");
        writer.start();
    }

    /** Runs {@code work} in the next batch and returns its result once the batch is committed. */
    <T> T submit(SqlWork<T> work) {
        if (Thread.currentThread() == writer) {
            throw new IllegalStateException("a transaction cannot be started inside another");
        }
        if (closed) {
            throw new DatabaseException("database transaction failed", new SQLException("the database is closed"));
        }
        Pending<T> pending = new Pending<>(work);
        queue.add(pending);
        try {
            try {
                return pending.outcome.get(turnTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (pending.withdraw()) {
                    throw new DatabaseException("database transaction failed", new SQLException(
                            "no turn to write within " + turnTimeout.toSeconds() + " s; nothing was written", e));
                }
                return pending.outcome.get(); // started: its transaction ends one way or the other
            }
        } catch (ExecutionException e) {
            throw rethrowable(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("database transaction failed",
                    new SQLException("interrupted while waiting for the commit, which may still happen", e));
        }
    }

    private static RuntimeException rethrowable(Throwable failure) {
        if (failure instanceof RuntimeException runtime) {
            return runtime;
        }
        if (failure instanceof SQLException sql) {
            return new DatabaseException("database transaction failed", sql);
        }
        return new IllegalStateException(failure);
    }

    private void loop(Consumer<List<Pending<?>>> runBatch) {
        while (!closed || !queue.isEmpty()) {
            try {
                Pending<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Pending<?>> batch = new ArrayList<>();
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                batch.removeIf(pending -> !pending.start());
                if (batch.isEmpty()) {
                    continue;
                }
                try {
                    runBatch.accept(batch);
                } catch (RuntimeException | Error unexpected) {
                    batch.forEach(pending -> pending.fail(unexpected));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Lets the writer finish what was submitted, then stops it. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(turnTimeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
