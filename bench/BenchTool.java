import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The benchmark's helpers, run as a single-file program with the coinpurse jar on the class
 * path (for sqlite-jdbc): {@code java -cp target/coinpurse.jar bench/BenchTool.java COMMAND ...}.
 *
 * <ul>
 *   <li>{@code events DIR PREFIX COUNT FILES SECRET} writes COUNT distinct signed
 *       {@code checkout.session.completed} events ({@code evt_PREFIX_n} for session
 *       {@code cs_PREFIX_n}), split over FILES files ({@code DIR/events-<i>.txt}, one
 *       "signature TAB body" per line), plus {@code DIR/seed.txt}: one event for the status
 *       benchmark's session {@code cs_seed} of user {@code bench-status}.
 *   <li>{@code check DB PREFIX ANSWERED_2XX} checks that every answered event of PREFIX was
 *       credited exactly once, and that every balance equals its ledger; DB is the SQLite file or
 *       a {@code jdbc:postgresql:} URL.
 *   <li>{@code fsync DIR SECONDS} measures how many small write+fdatasync cycles this disk does per second.
 *   <li>{@code receive PORT SECRET} is the web app's server for pushed events: an HTTP server on
 *       127.0.0.1:PORT that verifies each POST's Standard Webhooks signature with SECRET and answers
 *       204 (400 when it does not verify); it prints how many it took, and how many it refused, when stopped.
 *   <li>{@code pushed DB} prints how many of the web app's events there are, and how many were delivered
 *       (0 0 for a build from before them).
 * </ul>
 */
public class BenchTool {
    private static final int USERS = 1000;

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "events" -> events(Path.of(args[1]), args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    args[5]);
            case "check" -> check(args[1].startsWith("jdbc:") ? args[1] : "jdbc:sqlite:" + args[1], args[2],
                    Long.parseLong(args[3]));
            case "fsync" -> fsync(Path.of(args[1]), Double.parseDouble(args[2]));
            case "receive" -> receive(Integer.parseInt(args[1]), args[2]);
            case "pushed" -> pushed(args[1].startsWith("jdbc:") ? args[1] : "jdbc:sqlite:" + args[1]);
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    private static void events(Path dir, String prefix, int count, int files, String secret) throws Exception {
        Files.createDirectories(dir);
        long now = System.currentTimeMillis() / 1000;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        BufferedWriter[] out = new BufferedWriter[files];
        for (int f = 0; f < files; f++) {
            out[f] = Files.newBufferedWriter(dir.resolve("events-" + f + ".txt"));
        }
        for (int n = 0; n < count; n++) {
            String body = event("evt_" + prefix + "_" + n, "cs_" + prefix + "_" + n, "bench-user-" + (n % USERS), now);
            out[n % files].write(sign(mac, now, body) + "\t" + body + "\n");
        }
        for (BufferedWriter writer : out) {
            writer.close();
        }
        String seed = event("evt_seed", "cs_seed", "bench-status", now);
        Files.writeString(dir.resolve("seed.txt"), sign(mac, now, seed) + "\t" + seed + "\n");
    }

    private static String event(String eventId, String sessionId, String userId, long created) {
        return "{\"id\":\"" + eventId + "\",\"object\":\"event\",\"api_version\":\"2026-07-29.dahlia\","
                + "\"created\":" + created + ",\"type\":\"checkout.session.completed\",\"livemode\":false,"
                + "\"data\":{\"object\":{\"id\":\"" + sessionId + "\",\"object\":\"checkout.session\","
                + "\"mode\":\"payment\",\"status\":\"complete\",\"payment_status\":\"paid\","
                + "\"amount_total\":1999,\"currency\":\"usd\",\"client_reference_id\":\"" + userId + "\","
                + "\"payment_intent\":\"pi_" + sessionId + "\",\"metadata\":{\"user_id\":\"" + userId + "\","
                + "\"package_id\":\"popular\",\"coins\":\"500\",\"bonus\":\"50\","
                + "\"coinpurse_instance\":\"bench\"}}}}";
    }

    private static String sign(Mac mac, long timestamp, String body) {
        byte[] digest = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
        return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(digest);
    }

    private static void check(String jdbcUrl, String prefix, long answered) throws SQLException {
        String events = "'evt\\_" + prefix + "\\_%' ESCAPE '\\'";
        String sessions = "'cs\\_" + prefix + "\\_%' ESCAPE '\\'";
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                Statement sql = connection.createStatement()) {
            long processed = one(sql, "SELECT COUNT(*) FROM processed_events WHERE event_id LIKE " + events);
            long credited = one(sql, "SELECT COUNT(*) FROM processed_events WHERE event_id LIKE " + events
                    + " AND outcome = 'credited'");
            long purchaseRows = one(sql, "SELECT COUNT(*) FROM coin_ledger WHERE reason = 'purchase'"
                    + " AND reference LIKE " + sessions);
            long doubled = one(sql, "SELECT COUNT(*) FROM (SELECT reference FROM coin_ledger"
                    + " WHERE reason = 'purchase' GROUP BY reference HAVING COUNT(*) > 1) AS d");
            long offBalance = one(sql, "SELECT COUNT(*) FROM users u WHERE u.balance <>"
                    + " (SELECT COALESCE(SUM(delta), 0) FROM coin_ledger l WHERE l.user_id = u.id)");
            boolean ok = processed >= answered && credited == processed && purchaseRows == credited
                    && doubled == 0 && offBalance == 0;
            System.out.printf("answered 2xx %d, processed %d, credited %d, purchase rows %d, "
                    + "credited twice %d, balances off their ledger %d: %s%n",
                    answered, processed, credited, purchaseRows, doubled, offBalance, ok ? "OK" : "WRONG");
            if (!ok) {
                System.exit(1);
            }
        }
    }

    private static long one(Statement sql, String query) throws SQLException {
        try (ResultSet row = sql.executeQuery(query)) {
            row.next();
            return row.getLong(1);
        }
    }

    private static void fsync(Path dir, double seconds) throws IOException {
        Path file = Files.createTempFile(dir, "fsync", ".bin");
        ByteBuffer page = ByteBuffer.allocate(4096);
        long count = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long started = System.nanoTime();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            while (System.nanoTime() < end) {
                page.clear();
                channel.write(page, (count % 256) * 4096);
                channel.force(false);
                count++;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        System.out.printf("%.0f%n", count / ((System.nanoTime() - started) / 1e9));
    }

    private static void receive(int port, String secret) throws Exception {
        byte[] key = java.util.Base64.getDecoder().decode(secret.substring("whsec_".length()));
        java.util.concurrent.atomic.AtomicLong taken = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", port), 64);
        // No executor: each request is handled on the server's one dispatcher thread, as it is read,
        // not handed to a pool (a thread switch per delivery, which cost more than the check).
        server.setExecutor(null);
        ThreadLocal<Mac> macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return mac;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                var headers = exchange.getRequestHeaders();
                Mac mac = macs.get();
                mac.update((headers.getFirst("webhook-id") + "." + headers.getFirst("webhook-timestamp") + ".")
                        .getBytes(StandardCharsets.UTF_8));
                String expected = "v1," + java.util.Base64.getEncoder().encodeToString(mac.doFinal(body));
                boolean valid = expected.equals(headers.getFirst("webhook-signature"));
                (valid ? taken : refused).incrementAndGet();
                exchange.sendResponseHeaders(valid ? 204 : 400, -1);
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
                System.out.printf("received %d, refused %d%n", taken.get(), refused.get())));
        server.start();
        System.out.println("listening");
    }

    private static void pushed(String jdbcUrl) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                Statement sql = connection.createStatement()) {
            if (!connection.getMetaData().getTables(null, null, "app_events", null).next()) {
                System.out.println("0 0");   // a build from before the events outbox (JAR=...)
                return;
            }
            System.out.printf("%d %d%n", one(sql, "SELECT COUNT(*) FROM app_events"),
                    one(sql, "SELECT COUNT(*) FROM app_events WHERE delivery = 'delivered'"));
        }
    }
}
