package coinpurse.threads;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's own background threads: daemons (the server's shutdown stops their work, and none
 * may keep a stopped JVM alive), each named so that a thread dump says what it is.
 */
public final class DaemonThreads {
    private DaemonThreads() {}

    /** A daemon thread called {@code name} that will run {@code task}, not yet started. */
    public static Thread of(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Daemon threads all called {@code name}: for an executor of one thread. */
    public static ThreadFactory named(String name) {
        return task -> of(task, name);
    }

    /** Daemon threads called {@code prefix-1}, {@code prefix-2}, … in the order they are made. */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> of(task, prefix + "-" + count.incrementAndGet());
    }
}
