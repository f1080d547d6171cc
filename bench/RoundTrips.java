import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What coinpurse asks of PostgreSQL per request, counted on the wire: run as a single-file program
 * with the coinpurse jar on the class path ({@code java -cp target/coinpurse.jar bench/RoundTrips.java ...}).
 *
 * <ul>
 *   <li>{@code proxy LISTEN_PORT PG_PORT CONTROL_PORT} forwards 127.0.0.1:LISTEN_PORT to PostgreSQL on
 *       PG_PORT and counts round trips: each exchange ends with one ReadyForQuery ('Z') from the
 *       server, a pool's validation and a connection's start included. A connection to CONTROL_PORT
 *       reads "round_trips connections_opened". SSL and GSS encryption are refused to the client
 *       (PostgreSQL's own answer is passed on; the tests' server has neither), so the stream stays readable.
 *   <li>{@code drive BASE CONTROL_PORT JDBC_URL EVENTS_DIR NEW RETURNING POLLS SPENDS TOKEN SESSION KEY}
 *       sends, one at a time, NEW webhook events of new buyers, then RETURNING events of those buyers
 *       again (from {@code EVENTS_DIR/events-0.txt}, as BenchTool writes them: buyer n mod 1000), POLLS
 *       status polls of SESSION with TOKEN and SPENDS spends of one coin with internal key KEY; and
 *       prints per request of each kind the round trips and the commits (PostgreSQL's
 *       {@code pg_stat_database.xact_commit}, read over JDBC_URL, which the proxy does not see).
 * </ul>
 */
public class RoundTrips {
    private static final AtomicLong ROUND_TRIPS = new AtomicLong();
    private static final AtomicLong CONNECTIONS = new AtomicLong();

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "proxy" -> proxy(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "drive" -> drive(args);
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    private static void proxy(int listenPort, int pgPort, int controlPort) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        ServerSocket control = new ServerSocket(controlPort, 50, loopback);
        daemon(() -> {
            while (true) {
                try (Socket asker = control.accept()) {
                    asker.getOutputStream().write((ROUND_TRIPS.get() + " " + CONNECTIONS.get() + "\n")
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    return;
                }
            }
        });
        try (ServerSocket listener = new ServerSocket(listenPort, 200, loopback)) {
            System.out.println("listening");
            System.out.flush();
            while (true) {
                Socket client = listener.accept();
                Socket server = new Socket(loopback, pgPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                daemon(() -> relay(client, server));
            }
        }
    }

    /** The start-up exchange (SSL/GSS requests answered by one byte), then both directions. */
    private static void relay(Socket client, Socket server) {
        try {
            DataInputStream fromClient = new DataInputStream(client.getInputStream());
            DataInputStream fromServer = new DataInputStream(server.getInputStream());
            OutputStream toServer = server.getOutputStream();
            OutputStream toClient = client.getOutputStream();
            while (true) {
                int length = fromClient.readInt();
                byte[] packet = new byte[length - 4];
                fromClient.readFully(packet);
                int code = ((packet[0] & 0xff) << 24) | ((packet[1] & 0xff) << 16) | ((packet[2] & 0xff) << 8)
                        | (packet[3] & 0xff);
                toServer.write(intBytes(length));
                toServer.write(packet);
                toServer.flush();
                if (code != 80877103 && code != 80877104) {
                    break; // the startup message itself
                }
                int answer = fromServer.read();
                if (answer != 'N') {
                    throw new IOException("the server offers encryption: the proxy cannot count through it");
                }
                toClient.write(answer);
                toClient.flush();
            }
            CONNECTIONS.incrementAndGet();
            daemon(() -> pump(client, server));
            count(fromServer, toClient);
        } catch (IOException e) {
            // a connection closed
        } finally {
            close(client);
            close(server);
        }
    }

    private static void pump(Socket client, Socket server) {
        try {
            client.getInputStream().transferTo(server.getOutputStream());
        } catch (IOException e) {
            // closed
        } finally {
            close(client);
            close(server);
        }
    }

    /** Passes the server's messages on, counting each ReadyForQuery. */
    private static void count(DataInputStream fromServer, OutputStream toClient) throws IOException {
        byte[] buffer = new byte[65536];
        while (true) {
            int type = fromServer.read();
            if (type < 0) {
                return;
            }
            int length = fromServer.readInt();
            toClient.write(type);
            toClient.write(intBytes(length));
            int left = length - 4;
            while (left > 0) {
                int n = fromServer.read(buffer, 0, Math.min(left, buffer.length));
                if (n < 0) {
                    return;
                }
                toClient.write(buffer, 0, n);
                left -= n;
            }
            if (type == 'Z') {
                ROUND_TRIPS.incrementAndGet();
            }
            if (fromServer.available() == 0) {
                toClient.flush();
            }
        }
    }

    private static void daemon(Runnable work) {
        Thread thread = new Thread(work);
        thread.setDaemon(true);
        thread.start();
    }

    private static byte[] intBytes(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** What the proxy and PostgreSQL counted by {@code nanos} (System.nanoTime). */
    private record Counts(long roundTrips, long connections, long commits, long nanos) {}

    /** The server's own round trips and commits per second while idle (its sweeps, the pool's checks). */
    private static double idleRoundTrips;
    private static double idleCommits;

    private static void drive(String[] args) throws Exception {
        String base = args[1];
        int controlPort = Integer.parseInt(args[2]);
        String jdbcUrl = args[3];
        List<String> events = Files.readAllLines(Path.of(args[4], "events-0.txt"));
        int newBuyers = Integer.parseInt(args[5]);
        int returning = Integer.parseInt(args[6]);
        int polls = Integer.parseInt(args[7]);
        int spends = Integer.parseInt(args[8]);
        String token = args[9];
        String session = args[10];
        String key = args[11];
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (Connection stats = DriverManager.getConnection(jdbcUrl)) {
            Counts idle = counts(controlPort, stats);
            Counts before = counts(controlPort, stats);
            double idleSeconds = (before.nanos() - idle.nanos()) / 1e9;
            idleRoundTrips = (before.roundTrips() - idle.roundTrips()) / idleSeconds;
            idleCommits = (before.commits() - idle.commits() - 1) / idleSeconds;
            for (int i = 0; i < newBuyers; i++) {
                webhook(http, base, events.get(i));
            }
            Counts afterNew = counts(controlPort, stats);
            for (int i = newBuyers; i < newBuyers + returning; i++) {
                webhook(http, base, events.get(i));
            }
            Counts afterReturning = counts(controlPort, stats);
            HttpRequest poll = HttpRequest.newBuilder(URI.create(base + "/api/payment/status/" + session))
                    .header("Authorization", "Bearer " + token).build();
            for (int i = 0; i < polls; i++) {
                expect2xx(http.send(poll, HttpResponse.BodyHandlers.ofString()), "status poll");
            }
            Counts afterPolls = counts(controlPort, stats);
            for (int i = 0; i < spends; i++) {
                String body = "{\"user_id\":\"bench-user-" + (i % 1000) + "\",\"amount\":1,\"idempotency_key\":\"rt-"
                        + System.nanoTime() + "-" + i + "\",\"reason\":\"bench\"}";
                expect2xx(http.send(HttpRequest.newBuilder(URI.create(base + "/api/internal/coins/spend"))
                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString()), "spend");
            }
            Counts afterSpends = counts(controlPort, stats);
            System.out.printf("idle %.2f %.2f%n", idleRoundTrips, idleCommits);
            print("webhook_new", before, afterNew, newBuyers);
            print("webhook", afterNew, afterReturning, returning);
            print("poll", afterReturning, afterPolls, polls);
            print("spend", afterPolls, afterSpends, spends);
        }
    }

    private static void webhook(HttpClient http, String base, String line) throws Exception {
        String[] parts = line.split("\t", 2);
        expect2xx(http.send(HttpRequest.newBuilder(URI.create(base + "/api/payment/webhook"))
                .header("Stripe-Signature", parts[0]).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(parts[1])).build(),
                HttpResponse.BodyHandlers.ofString()), "webhook");
    }

    private static void expect2xx(HttpResponse<String> response, String what) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(what + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /**
     * The counts now, once PostgreSQL's backends reported their statistics: an idle backend that
     * reported less than a second ago reports again 10 s later (PGSTAT_IDLE_INTERVAL).
     */
    private static Counts counts(int controlPort, Connection stats) throws Exception {
        Thread.sleep(11_000);
        long commits;
        try (Statement query = stats.createStatement();
                ResultSet row = query.executeQuery(
                        "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
            row.next();
            commits = row.getLong(1);
        }
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), controlPort);
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII))) {
            String[] numbers = in.readLine().split(" ");
            return new Counts(Long.parseLong(numbers[0]), Long.parseLong(numbers[1]), commits, System.nanoTime());
        }
    }

    /**
     * One line per kind: round trips and commits per request, less what the server does by itself
     * meanwhile (at its idle rate), and connections opened. Reading the statistics costs one commit
     * of its own, which is taken off.
     */
    private static void print(String kind, Counts from, Counts to, int requests) {
        double seconds = (to.nanos() - from.nanos()) / 1e9;
        double roundTrips = to.roundTrips() - from.roundTrips() - idleRoundTrips * seconds;
        double commits = to.commits() - from.commits() - 1 - idleCommits * seconds;
        System.out.printf("%s %.2f %.2f %d%n", kind, roundTrips / requests, commits / requests,
                to.connections() - from.connections());
    }
}
