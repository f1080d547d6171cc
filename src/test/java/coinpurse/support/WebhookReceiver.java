package coinpurse.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The web app's server, as far as pushed events go: an HTTP server on 127.0.0.1 that checks each
 * POST's Standard Webhooks signature with the secret (its own HMAC, not the sender's library),
 * records what it got, and answers as told: 2xx, another status, or not at all until released (a
 * receiver that hangs). It also notes a delivery of an event id that arrives while another delivery
 * of the same id is still in flight: two senders at once.
 */
public final class WebhookReceiver implements AutoCloseable {
    /** What every test receiver and server share: whsec_ and the base64 of 32 bytes. */
    public static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            "coinpurse-test-webhook-key-32byt".getBytes(UTF_8));
    /** An answer that is none: the request is held open until {@link #release()}. */
    public static final int HANG = -1;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as it arrived, and what it was answered. */
    public record Delivery(String id, long timestamp, String signature, JsonNode event, String contentType,
            boolean signatureValid, boolean overlapped, int answered, Instant receivedAt) {}

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final byte[] key;
    private final List<Delivery> deliveries = new ArrayList<>();
    private final Set<String> inFlight = new HashSet<>();
    private final Set<String> held = new HashSet<>();
    private volatile Function<JsonNode, Integer> answer = event -> 200;
    private CountDownLatch released = new CountDownLatch(1);

    private WebhookReceiver(String secret) throws IOException {
        this.key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A receiver verifying with {@link #SECRET}, answering 200 until told otherwise. */
    public static WebhookReceiver start() {
        try {
            return new WebhookReceiver(SECRET);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/coinpurse-events";
    }

    /** Answers each event with what {@code status} says for it: a status, or {@link #HANG}. */
    public void answer(Function<JsonNode, Integer> status) {
        this.answer = status;
    }

    /** Answers every event with {@code status}. */
    public void answerAll(int status) {
        answer(event -> status);
    }

    /** Lets every held request go (answered 503), and holds no later one until told to hang again. */
    public synchronized void release() {
        released.countDown();
        released = new CountDownLatch(1);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
            String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
            JsonNode event = JSON.readTree(body);
            boolean valid = "POST".equals(exchange.getRequestMethod()) && id != null && timestamp != null
                    && signature != null && verifies(id, timestamp, body, signature);
            int status = valid ? answer.apply(event) : 400;
            boolean overlapped;
            CountDownLatch hold;
            synchronized (this) {
                overlapped = id != null && !inFlight.add(id);
                if (status == HANG) {
                    held.add(id);
                }
                hold = released;
                notifyAll();
            }
            try {
                if (status == HANG && !hold.await(2, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("a held request was never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                int answered = status == HANG ? 503 : status;
                synchronized (this) {
                    if (!overlapped) {
                        inFlight.remove(id);
                    }
                    held.remove(id);
                    deliveries.add(new Delivery(id, timestamp == null ? -1 : Long.parseLong(timestamp), signature, event,
                            exchange.getRequestHeaders().getFirst("Content-Type"), valid, overlapped,
                            status == HANG ? HANG : answered, Instant.now()));
                    notifyAll();
                }
                exchange.sendResponseHeaders(answered, -1);
            }
        }
    }

    private boolean verifies(String id, String timestamp, byte[] body, String header) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(UTF_8));
            byte[] expected = mac.doFinal(body);
            for (String candidate : header.split(" ")) {
                if (candidate.startsWith("v1,") && MessageDigest.isEqual(expected,
                        Base64.getDecoder().decode(candidate.substring(3)))) {
                    return true;
                }
            }
            return false;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Every request so far, in the order their answers were decided. */
    public synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** The requests so far that carry {@code predicate}'s events. */
    public List<Delivery> deliveries(Predicate<JsonNode> predicate) {
        return deliveries().stream().filter(delivery -> predicate.test(delivery.event())).toList();
    }

    /** Waits until {@code count} requests were answered (or held), at most {@code limit}; fails after it. */
    public synchronized List<Delivery> awaitDeliveries(int count, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (deliveries.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("the receiver got " + deliveries.size() + " of " + count + " deliveries in "
                        + limit + ": " + deliveries);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return List.copyOf(deliveries);
    }

    /** Waits until a request is being held ({@link #HANG}), at most {@code limit}: its event id. */
    public synchronized String awaitHeld(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (held.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no request held within " + limit + ": " + deliveries);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return held.iterator().next();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        threads.shutdownNow();
    }
}
