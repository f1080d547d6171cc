package coinpurse.events;

import coinpurse.threads.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt to push one event: a POST of its JSON to {@code events.webhook_url}, signed for the
 * attempt's moment. 2xx delivers it; anything else (another status, no answer in time, no
 * connection) is a failure, said in a few words for {@code last_error}. Redirects are not followed.
 *
 * <p>Blocking, on the sender's worker thread ({@link HttpURLConnection}, its connections kept
 * alive and reused): the JDK's {@code HttpClient} passed each exchange between three threads,
 * which cost more CPU than the exchange itself. A blocking socket heeds neither a deadline nor an
 * interrupt, so a watchdog thread drops the connection when the whole exchange's timeout passes,
 * and {@link #close} drops those in flight.
 */
final class WebhookClient implements AutoCloseable {
    private static final long REDROP_MILLIS = 50;
    private final URI url;
    private final URL target;
    private final StandardWebhooks signer;
    private final Duration timeout;
    private final ScheduledExecutorService watchdog;
    private final Set<HttpURLConnection> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    WebhookClient(URI url, StandardWebhooks signer, Duration timeout) {
        this.url = url;
        try {
            this.target = url.toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("events.webhook_url is not an http(s) URL: " + url, e);
        }
        this.signer = signer;
        this.timeout = timeout;
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                DaemonThreads.named("coinpurse-webhooks-timeout"));
        timer.setRemoveOnCancelPolicy(true);
        this.watchdog = Executors.unconfigurableScheduledExecutorService(timer);
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
     * whole exchange: connecting, the request, the answer's headers and body).
     *
     * @throws InterruptedException the sender is closing: nothing is recorded, and the lease passes
     */
    Answer post(AppEvent event, Instant at) throws InterruptedException {
        String body = EventJson.of(event);
        long timestamp = at.getEpochSecond();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (closed) {
            throw new InterruptedException("the sender is closing");
        }
        HttpURLConnection exchange;
        try {
            exchange = (HttpURLConnection) target.openConnection(Proxy.NO_PROXY);
        } catch (IOException e) {
            return Answer.failed(why(e));
        }
        AtomicBoolean late = new AtomicBoolean();
        inFlight.add(exchange);
        ScheduledFuture<?> deadline;
        try {
            deadline = watchdog.schedule(() -> {
                late.set(true);
                drop(exchange);
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            inFlight.remove(exchange);
            throw new InterruptedException("the sender is closing");
        }
        try {
            if (closed || Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("the sender is closing");
            }
            int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
            exchange.setConnectTimeout(millis);
            exchange.setReadTimeout(millis);
            exchange.setInstanceFollowRedirects(false);
            exchange.setUseCaches(false);
            exchange.setRequestMethod("POST");
            exchange.setDoOutput(true);
            exchange.setFixedLengthStreamingMode(bytes.length);
            exchange.setRequestProperty("Content-Type", "application/json");
            exchange.setRequestProperty("User-Agent", "coinpurse-webhooks");
            exchange.setRequestProperty(StandardWebhooks.ID, event.id());
            exchange.setRequestProperty(StandardWebhooks.TIMESTAMP, Long.toString(timestamp));
            exchange.setRequestProperty(StandardWebhooks.SIGNATURE, signer.signature(event.id(), timestamp, body));
            try (OutputStream out = exchange.getOutputStream()) {
                out.write(bytes);
            }
            if (closed) {
                exchange.disconnect();
                throw new InterruptedException("the sender is closing");
            }
            int status = exchange.getResponseCode();
            readToTheEnd(exchange, status);
            return status / 100 == 2 ? Answer.DELIVERED : Answer.failed("HTTP " + status);
        } catch (IOException e) {
            if (closed || Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("the sender is closing");
            }
            return Answer.failed(late.get() || e instanceof SocketTimeoutException ? noAnswer() : why(e));
        } finally {
            deadline.cancel(false);
            inFlight.remove(exchange);
        }
    }

    /** Reads the answer's body (ignored) to its end, so that the connection is kept for the next attempt. */
    private static void readToTheEnd(HttpURLConnection exchange, int status) throws IOException {
        try (InputStream answer = status >= 400 ? exchange.getErrorStream() : exchange.getInputStream()) {
            if (answer != null) {
                answer.transferTo(OutputStream.nullOutputStream());
            }
        }
    }

    /** Drops the exchanges in flight: their {@link #post} throws {@link InterruptedException}. */
    @Override
    public void close() {
        closed = true;
        inFlight.forEach(HttpURLConnection::disconnect);
        try {
            watchdog.scheduleWithFixedDelay(() -> {
                if (inFlight.isEmpty()) {
                    watchdog.shutdown();
                } else {
                    inFlight.forEach(HttpURLConnection::disconnect);
                }
            }, 0, REDROP_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed already
        }
    }

    /**
     * Closes the exchange's connection, again every {@value #REDROP_MILLIS} ms while its {@link #post}
     * has not returned: a connection dropped between the request and the answer's first byte can be
     * opened anew by {@link HttpURLConnection} itself, which then waits for an answer there.
     */
    private void drop(HttpURLConnection exchange) {
        exchange.disconnect();
        if (inFlight.contains(exchange)) {
            try {
                watchdog.schedule(() -> drop(exchange), REDROP_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closed, and nothing is in flight any more
            }
        }
    }

    private String noAnswer() {
        return "no answer within " + timeout.toSeconds() + " s";
    }

    private String why(Throwable failure) {
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
