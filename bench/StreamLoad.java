import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The event streams' load client, run as a single-file program with the coinpurse jar on the class
 * path (for the PostgreSQL driver): {@code java -cp target/coinpurse.jar bench/StreamLoad.java COMMAND ...}.
 * Streams are read without a thread each (the JDK client's selector hands lines to a subscriber).
 *
 * <ul>
 *   <li>{@code idle BASE JWT_SECRET COUNT HOLD_SECONDS PID}: the server's RSS and threads (from
 *       /proc/PID) before, then COUNT streams of COUNT users opened at once, their cost once all
 *       are open, and after HOLD_SECONDS (heartbeats included); one line of figures.
 *   <li>{@code latency STREAM_BASE WRITE_BASE JWT_SECRET INTERNAL_KEY USERS EVENTS PER_SECOND}:
 *       one stream for each of USERS users on STREAM_BASE, then EVENTS grants spread over them at
 *       PER_SECOND through WRITE_BASE; the time from sending each grant (it commits before it
 *       answers) to its event on the stream: p50, p90, p99, max, and any event missing.
 *   <li>{@code notify JDBC_URL WRITERS SECONDS}: what PostgreSQL's NOTIFY costs the writers: commits
 *       per second of WRITERS connections inserting a row per transaction, without and with a
 *       {@code pg_notify} in each.
 * </ul>
 */
public class StreamLoad {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "idle" -> idle(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), args[5]);
            case "latency" -> latency(args[1], args[2], args[3], args[4], Integer.parseInt(args[5]),
                    Integer.parseInt(args[6]), Integer.parseInt(args[7]));
            case "notify" -> NotifyCost.run(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    private static void idle(String base, String secret, int count, int holdSeconds, String pid) throws Exception {
        Thread.sleep(2000);
        long rssBefore = procStatus(pid, "VmRSS");
        long threadsBefore = procStatus(pid, "Threads");
        Map<String, Integer> namesBefore = threadNames(pid);
        List<Stream> streams = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            streams.add(Stream.open(base, token(secret, "stream-idle-" + i), null));
        }
        int open = 0;
        for (Stream stream : streams) {
            open += stream.opened.get(60, TimeUnit.SECONDS) == 200 ? 1 : 0;
        }
        double openSeconds = (System.nanoTime() - started) / 1e9;
        Thread.sleep(5000);
        long rssOpen = procStatus(pid, "VmRSS");
        long threadsOpen = procStatus(pid, "Threads");
        long cpuBefore = cpuTicks(pid);
        Thread.sleep(Math.max(0, holdSeconds - 5) * 1000L);
        double cpuShare = (cpuTicks(pid) - cpuBefore) / 100.0 / Math.max(1, holdSeconds - 5) * 100;
        long rssHeld = procStatus(pid, "VmRSS");
        long threadsHeld = procStatus(pid, "Threads");
        Map<String, Integer> namesHeld = threadNames(pid);
        long comments = streams.stream().mapToLong(stream -> stream.comments.get()).sum();
        long ended = streams.stream().filter(stream -> stream.ended).count();
        StringBuilder more = new StringBuilder();
        namesHeld.forEach((name, n) -> {
            int grew = n - namesBefore.getOrDefault(name, 0);
            if (grew != 0) {
                more.append(more.length() == 0 ? "" : ", ").append(name).append(grew > 0 ? " +" : " ").append(grew);
            }
        });
        System.out.printf("streams %d/%d open in %.1f s; RSS %d MB before, %d MB open (+%d), %d MB after %d s (+%d);"
                + " threads %d before, %d open, %d after %d s (%s); server CPU while they idle %.1f %% of a core;"
                + " heartbeat comments %d; ended early %d%n",
                open, count, openSeconds, rssBefore / 1024, rssOpen / 1024, (rssOpen - rssBefore) / 1024,
                rssHeld / 1024, holdSeconds, (rssHeld - rssBefore) / 1024, threadsBefore, threadsOpen,
                threadsHeld, holdSeconds, more, cpuShare, comments, ended);
        streams.forEach(Stream::close);
    }

    private static void latency(String streamBase, String writeBase, String secret, String internalKey, int users,
            int events, int perSecond) throws Exception {
        String run = Long.toString(System.currentTimeMillis() % 100000);
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<Long> delays = new ArrayList<>();
        CountDownLatch arrived = new CountDownLatch(events);
        List<Stream> streams = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String user = "stream-lat-" + run + "-" + u;
            streams.add(Stream.open(streamBase, token(secret, user), (id, type, data) -> {
                Long sent = sentAt.remove(user + "#" + id);
                if (sent != null) {
                    synchronized (delays) {
                        delays.add(System.nanoTime() - sent);
                    }
                    arrived.countDown();
                }
            }));
        }
        for (Stream stream : streams) {
            if (stream.opened.get(60, TimeUnit.SECONDS) != 200) {
                throw new IllegalStateException("a stream did not open");
            }
        }
        Thread.sleep(1000);
        int[] sequence = new int[users];
        long interval = 1_000_000_000L / perSecond;
        long next = System.nanoTime();
        for (int i = 0; i < events; i++) {
            int u = i % users;
            String user = "stream-lat-" + run + "-" + u;
            while (System.nanoTime() < next) {
                Thread.onSpinWait();
            }
            next += interval;
            sentAt.put(user + "#" + (++sequence[u]), System.nanoTime());
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(writeBase
                    + "/api/internal/coins/grant")).header("Authorization", "Bearer " + internalKey)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"user_id\":\"" + user + "\",\"amount\":1,"
                            + "\"idempotency_key\":\"lat-" + run + "-" + i + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("grant answered " + answer.statusCode() + ": " + answer.body());
            }
        }
        arrived.await(10, TimeUnit.SECONDS);
        streams.forEach(Stream::close);
        List<Long> sorted;
        synchronized (delays) {
            sorted = delays.stream().sorted().toList();
        }
        System.out.printf("%d events to %d streams at %d/s: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms;"
                + " missing %d%n", events, users, perSecond, ms(sorted, 0.50), ms(sorted, 0.90), ms(sorted, 0.99),
                ms(sorted, 1.0), events - sorted.size());
    }

    private static double ms(List<Long> sorted, double quantile) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int at = Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1);
        return sorted.get(Math.max(0, at)) / 1e6;
    }

    /** A user token as coinpurse's TokenService issues it: HS256, sub, iat, exp in an hour. */
    static String token(String secret, String user) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = System.currentTimeMillis() / 1000;
        String signed = b64.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"sub\":\"" + user + "\",\"iat\":" + now + ",\"exp\":" + (now + 3600) + "}")
                        .getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return signed + "." + b64.encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII)));
    }

    /** A line of /proc/PID/status, as a number (kB for VmRSS). */
    private static long procStatus(String pid, String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException(field + " not in /proc/" + pid + "/status");
    }

    /** The process's CPU time so far (user + system), in clock ticks (100 a second on Linux). */
    private static long cpuTicks(String pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", pid, "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The process's threads by name, numbers left out ({@code coinpurse-stream-writer-}, {@code qtp…}). */
    private static Map<String, Integer> threadNames(String pid) throws Exception {
        Map<String, Integer> names = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", pid, "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    names.merge(Files.readString(task.resolve("comm")).strip().replaceAll("[0-9]+", "#"), 1,
                            Integer::sum);
                } catch (java.io.IOException ended) {
                    // the thread ended meanwhile
                }
            }
        }
        return names;
    }

    interface OnEvent {
        void event(String id, String type, String data);
    }

    /** One open stream: its lines parsed as Server-Sent Events as they come. */
    static final class Stream implements Flow.Subscriber<String> {
        final CompletableFuture<Integer> opened = new CompletableFuture<>();
        final AtomicLong comments = new AtomicLong();
        private final OnEvent onEvent;
        private Flow.Subscription subscription;
        private String id;
        private String type;
        private String data;
        volatile boolean ended;

        private Stream(OnEvent onEvent) {
            this.onEvent = onEvent;
        }

        static Stream open(String base, String token, OnEvent onEvent) {
            Stream stream = new Stream(onEvent);
            HTTP.sendAsync(HttpRequest.newBuilder(URI.create(base + "/api/coins/stream"))
                            .header("Accept", "text/event-stream").header("Authorization", "Bearer " + token).build(),
                    info -> {
                        stream.opened.complete(info.statusCode());
                        return HttpResponse.BodySubscribers.fromLineSubscriber(stream);
                    })
                    .whenComplete((answer, failure) -> {
                        stream.ended = true;
                        stream.opened.complete(failure == null ? answer.statusCode() : -1);
                    });
            return stream;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.isEmpty()) {
                if (data != null && onEvent != null) {
                    onEvent.event(id, type, data);
                }
                type = null;
                data = null;
            } else if (line.startsWith(":")) {
                comments.incrementAndGet();
            } else if (line.startsWith("id: ")) {
                id = line.substring(4);
            } else if (line.startsWith("event: ")) {
                type = line.substring(7);
            } else if (line.startsWith("data: ")) {
                data = line.substring(6);
            }
        }

        @Override
        public void onError(Throwable failure) {
            ended = true;
        }

        @Override
        public void onComplete() {
            ended = true;
        }

        void close() {
            if (subscription != null) {
                subscription.cancel();
            }
        }
    }

    /** PostgreSQL's NOTIFY, measured for the choice between it and a short poll. */
    static final class NotifyCost {
        static void run(String url, int writers, int seconds) throws Exception {
            try (Connection setup = DriverManager.getConnection(url); Statement sql = setup.createStatement()) {
                sql.execute("CREATE TABLE IF NOT EXISTS stream_notify_bench (id BIGSERIAL PRIMARY KEY, body TEXT)");
            }
            double plain = commitsPerSecond(url, writers, seconds, false);
            double notifying = commitsPerSecond(url, writers, seconds, true);
            System.out.printf("%d writers, %d s each way: %.0f commits/s plain, %.0f commits/s with pg_notify (%+.0f %%)%n",
                    writers, seconds, plain, notifying, (notifying / plain - 1) * 100);
            try (Connection setup = DriverManager.getConnection(url); Statement sql = setup.createStatement()) {
                sql.execute("DROP TABLE stream_notify_bench");
            }
        }

        private static double commitsPerSecond(String url, int writers, int seconds, boolean notify) throws Exception {
            AtomicInteger commits = new AtomicInteger();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                Thread thread = new Thread(() -> {
                    try (Connection connection = DriverManager.getConnection(url);
                            Statement sql = connection.createStatement()) {
                        connection.setAutoCommit(false);
                        // One round trip either way: the difference is what NOTIFY costs the commit.
                        String insert = "INSERT INTO stream_notify_bench (body) VALUES ('an event of some length')"
                                + (notify ? "; SELECT pg_notify('coinpurse_events', '')" : "");
                        while (System.nanoTime() < end) {
                            sql.execute(insert);
                            connection.commit();
                            commits.incrementAndGet();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
            return commits.get() / (double) seconds;
        }
    }
}
