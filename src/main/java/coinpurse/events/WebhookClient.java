package coinpurse.events;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One attempt to push one event: a POST of its JSON to {@code events.webhook_url}, signed for the
 * attempt's moment. 2xx delivers it; anything else (another status, no answer in time, no
 * connection) is a failure, said in a few words for {@code last_error}. Redirects are not followed.
 */
final class WebhookClient {
    private final URI url;
    private final StandardWebhooks signer;
    private final Duration timeout;
    private final HttpClient http;

    WebhookClient(URI url, StandardWebhooks signer, Duration timeout) {
        this.url = url;
        this.signer = signer;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** What an attempt came to: delivered, or why not. */
    record Answer(boolean delivered, String error) {
        static final Answer DELIVERED = new Answer(true, null);

        static Answer failed(String error) {
            return new Answer(false, error);
        }
    }

    /**
     * Sends {@code event} signed at {@code at} and waits for the answer, at most the timeout (the
     * whole exchange: headers and body).
     *
     * @throws InterruptedException the sender is closing: nothing is recorded, and the lease passes
     */
    Answer post(AppEvent event, Instant at) throws InterruptedException {
        String body = EventJson.of(event);
        long timestamp = at.getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "coinpurse-webhooks")
                .header(StandardWebhooks.ID, event.id())
                .header(StandardWebhooks.TIMESTAMP, Long.toString(timestamp))
                .header(StandardWebhooks.SIGNATURE, signer.signature(event.id(), timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        CompletableFuture<HttpResponse<Void>> exchange = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            int status = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS).statusCode();
            return status / 100 == 2 ? Answer.DELIVERED : Answer.failed("HTTP " + status);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return Answer.failed(noAnswer());
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            return Answer.failed(why(e.getCause()));
        }
    }

    private String noAnswer() {
        return "no answer within " + timeout.toSeconds() + " s";
    }

    private String why(Throwable failure) {
        if (failure instanceof HttpTimeoutException) {
            return noAnswer();
        }
        if (failure instanceof ConnectException) {
            return "cannot connect to " + url.getHost() + ":" + port() + " (" + describe(failure) + ")";
        }
        if (failure instanceof IOException) {
            return describe(failure);
        }
        return "failed: " + describe(failure);
    }

    private int port() {
        return url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        if (message == null && failure.getCause() != null) {
            message = failure.getCause().getMessage();
        }
        return message == null ? failure.getClass().getSimpleName() : message;
    }
}
