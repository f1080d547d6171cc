package coinpurse.db;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.sql.SQLException;

/**
 * Group commit: the write transactions that callers submit while one commit is under way are
 * run together by a single writer thread and committed once, so a burst pays one fsync for a
 * batch instead of one each. Each caller still gets only its own result, and only after the
 * commit that made it durable: nothing is answered before it is safe.
 */
final class GroupCommit implements AutoCloseable {
    private static final int MAX_BATCH = 64;
    private static final long ANSWER_TIMEOUT_SECONDS = 60;

    /** One caller's work, and what became of it. */
    static final class Pending<T> {
        final SqlWork<T> work;
        private final CompletableFuture<T> outcome = new CompletableFuture<>();

        Pending(SqlWork<T> work) {
            this.work = work;
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
    private volatile boolean closed;

    /** Starts the writer thread; {@code runBatch} must settle every Pending it is given. */
    GroupCommit(Consumer<List<Pending<?>>> runBatch) {
        writer = new Thread(() -> loop(runBatch), "coinpurse-db-writer");
        writer.setDaemon(true);
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
            return pending.outcome.get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw rethrowable(e.getCause());
        } catch (TimeoutException e) {
            throw new DatabaseException("database transaction failed",
                    new SQLException("no commit within " + ANSWER_TIMEOUT_SECONDS + " s", e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("database transaction failed", new SQLException("interrupted", e));
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
            writer.join(TimeUnit.SECONDS.toMillis(ANSWER_TIMEOUT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
