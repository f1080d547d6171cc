package coinpurse.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Tasks that really run at the same time, for tests of what must hold under contention. */
public final class Concurrently {
    private static final long START_SECONDS = 10;
    private static final long FINISH_SECONDS = 60;

    private Concurrently() {}

    /**
     * Runs {@code count} tasks ({@code task.apply(0)} to {@code task.apply(count - 1)}), each on a
     * thread of a pool of its own, released together by one latch once all have started; returns
     * their answers in order. A task's failure is rethrown from here, wrapped by its future.
     */
    public static <T> List<T> allAtOnce(int count, IntFunction<Callable<T>> task) throws Exception {
        return allAtOnce(count, Duration.ofSeconds(FINISH_SECONDS), task);
    }

    /** As {@link #allAtOnce(int, IntFunction)}, waiting up to {@code finish} for each answer. */
    public static <T> List<T> allAtOnce(int count, Duration finish, IntFunction<Callable<T>> task)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch ready = new CountDownLatch(count);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Callable<T> work = task.apply(i);
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return work.call();
                }));
            }
            assertTrue(ready.await(START_SECONDS, TimeUnit.SECONDS), "the threads did not all start");
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(finish.toMillis(), TimeUnit.MILLISECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(START_SECONDS, TimeUnit.SECONDS);
        }
    }
}
