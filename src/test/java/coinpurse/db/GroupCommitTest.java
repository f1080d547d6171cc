package coinpurse.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The caller's side of group commit: a caller never hears "failed" for work that later commits.
 * The batches here run the work directly (no database): what is tested is who waits for what.
 */
class GroupCommitTest {
    private static final Duration SHORT_TURN = Duration.ofMillis(200);

    /** Runs each batch's work in order and settles it, as SqliteWriter.runBatch does after its commit. */
    private static final Consumer<List<GroupCommit.Pending<?>>> RUN = batch -> batch.forEach(pending -> {
        try {
            pending.succeed(pending.work.run(null));
        } catch (Exception e) {
            pending.fail(e);
        }
    });

    @Test
    void workWhoseCallerStoppedWaitingBeforeItsTurnIsNeverRun() throws Exception {
        CountDownLatch writerBusy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean lateWorkRan = new AtomicBoolean();
        try (GroupCommit commits = new GroupCommit(RUN, SHORT_TURN)) {
            CompletableFuture<Object> blocker = CompletableFuture.supplyAsync(() -> commits.submit(connection -> {
                writerBusy.countDown();
                await(release);
                return "first";
            }));
            assertTrue(writerBusy.await(10, TimeUnit.SECONDS));

            DatabaseException refused = assertThrows(DatabaseException.class,
                    () -> commits.submit(connection -> lateWorkRan.getAndSet(true)));

            release.countDown();
            assertEquals("first", blocker.get(10, TimeUnit.SECONDS));
            // The writer has moved past the withdrawn work: a later submission runs, the withdrawn one never does.
            assertEquals("after", commits.submit(connection -> "after"));
            assertFalse(lateWorkRan.get(), "withdrawn work must not run after its caller was told it failed");
            assertTrue(refused.getCause().getMessage().contains("nothing was written"), refused.getCause().getMessage());
        }
    }

    @Test
    void workTheWriterStartedIsWaitedForPastTheTurnTimeout() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Thread> caller = new AtomicReference<>();
        try (GroupCommit commits = new GroupCommit(RUN, SHORT_TURN)) {
            CompletableFuture<Object> result = CompletableFuture.supplyAsync(() -> {
                caller.set(Thread.currentThread());
                return commits.submit(connection -> {
                    started.countDown();
                    await(release);
                    return "committed";
                });
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            // The caller's timed wait ends after SHORT_TURN; it then waits without a limit (WAITING).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (caller.get() == null || caller.get().getState() != Thread.State.WAITING) {
                assertTrue(System.nanoTime() < deadline, "the caller never got past its turn timeout");
                Thread.onSpinWait();
            }

            release.countDown();

            assertEquals("committed", result.get(10, TimeUnit.SECONDS));
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
