package coinpurse.sandbox;

import coinpurse.threads.DaemonThreads;
import com.stripe.net.Webhook;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the sandbox's events to coinpurse's own webhook route over loopback HTTP, signed with
 * Stripe's scheme ({@code Stripe-Signature: t=…,v1=…}, HMAC-SHA256 of {@code t.payload}), so that
 * they run exactly the code Stripe's events run. One thread sends them, in the order they were
 * made; a caller may wait for its events (the sandbox's page) or not (a call coinpurse made to the
 * gateway while handling a webhook, which must not wait for another webhook). An event the webhook
 * does not accept is logged, not sent again.
 */
final class WebhookDelivery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookDelivery.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String secret;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(
            DaemonThreads.named("coinpurse-sandbox-webhook"));
    /** The webhook's HTTP status for each event it answered. */
    private final ConcurrentMap<String, Integer> answers = new ConcurrentHashMap<>();
    private volatile URI webhook;

    WebhookDelivery(String secret) {
        this.secret = secret;
    }

    /** Where the events go: this server's webhook route, known once it listens. */
    void deliverTo(URI webhookRoute) {
        this.webhook = webhookRoute;
    }

    /** Sends {@code events} after those sent before; the future completes once each was answered or failed. */
    CompletableFuture<Void> send(List<SandboxEvent> events) {
        return CompletableFuture.runAsync(() -> events.forEach(this::deliver), sender);
    }

    /** The webhook's answer to {@code eventId}: empty while unsent, or when it got none. */
    Optional<Integer> answerTo(String eventId) {
        return Optional.ofNullable(answers.get(eventId));
    }

    private void deliver(SandboxEvent event) {
        URI target = webhook;
        if (target == null) {
            log.warn("sandbox: event {} ({}) not sent: the server is not listening yet", event.id(), event.type());
            return;
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(target)
                    .timeout(TIMEOUT)
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("Stripe-Signature", Webhook.Signature.generateSignatureHeader(event.json(), secret))
                    .POST(HttpRequest.BodyPublishers.ofString(event.json()))
                    .build();
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            answers.put(event.id(), answer.statusCode());
            if (answer.statusCode() / 100 != 2) {
                log.warn("sandbox: the webhook answered {} to event {} ({}): {}", answer.statusCode(), event.id(),
                        event.type(), answer.body());
            }
        } catch (IOException | GeneralSecurityException e) {
            log.warn("sandbox: event {} ({}) not delivered to {}: {}", event.id(), event.type(), target, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            if (!sender.awaitTermination(5, TimeUnit.SECONDS)) {
                sender.shutdownNow();
            }
        } catch (InterruptedException e) {
            sender.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
