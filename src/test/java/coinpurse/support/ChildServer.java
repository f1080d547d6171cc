package coinpurse.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * coinpurse in a child JVM ({@code coinpurse.Main}, on this test run's classpath), for what
 * only a real process shows: signals, exit, and the files it leaves behind.
 * {@link #startJar} runs the built jar instead, for the failsafe {@code *IT} tests.
 */
public final class ChildServer implements AutoCloseable {
    /** The start's last line names the port the server bound: {@code coinpurse serving on http://HOST:PORT (…}. */
    private static final Pattern SERVING_ON = Pattern.compile("coinpurse serving on http://\\S*:(\\d+) ");
    private static final Duration START_LIMIT = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    private final Path log;

    private ChildServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts {@code serve} with {@code env} as its settings and waits until /health answers. */
    public static ChildServer start(Path dir, Map<String, String> env) throws IOException {
        return launch(dir, env, List.of(java(), "-cp", System.getProperty("java.class.path"), "coinpurse.Main",
                "serve"));
    }

    /**
     * Starts {@code java -jar <the built jar> serve}, the jar failsafe names in the system property
     * {@code coinpurse.jar}, with {@code env} as its settings, and waits until /health answers.
     */
    public static ChildServer startJar(Path dir, Map<String, String> env) throws IOException {
        String jar = System.getProperty("coinpurse.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("no built jar at the system property coinpurse.jar (" + jar
                    + "); run *IT tests with `mvn verify`, which packages it and sets the property");
        }
        return launch(dir, env, List.of(java(), "-jar", jar, "serve"));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static ChildServer launch(Path dir, Map<String, String> env, List<String> command)
            throws IOException {
        Path log = Files.createTempFile(dir, "child-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        // The sessions of StripeEvents name the test instance, as a real server's own sessions name it.
        builder.environment().putIfAbsent("APP_INSTANCE_ID", TestServer.INSTANCE_ID);
        builder.environment().put("SERVER_HOST", "127.0.0.1");
        // Any free port, read back from the start line: no other test can take it between a pick and the bind.
        builder.environment().put("SERVER_PORT", "0");
        Process process = builder.start();
        try {
            ChildServer child = new ChildServer(process, awaitBoundPort(process, log, START_LIMIT), log);
            child.awaitHealthy(START_LIMIT);
            return child;
        } catch (RuntimeException notHealthy) {
            process.destroyForcibly();
            throw notHealthy;
        }
    }

    private static int awaitBoundPort(Process process, Path log, Duration limit) {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            Matcher line = SERVING_ON.matcher(read(log));
            if (line.find()) {
                return Integer.parseInt(line.group(1));
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + ": " + read(log));
            }
            pause();
        }
        throw new IllegalStateException("the server printed no start line in " + limit + ": " + read(log));
    }

    private void awaitHealthy(Duration limit) {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + ": " + output());
            }
            try {
                HttpResponse<Void> health = http.send(HttpRequest.newBuilder(URI.create(url("/health")))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (health.statusCode() == 200) {
                    return;
                }
                pause();
            } catch (IOException notYetListening) {
                pause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("the server did not become healthy in " + limit + ": " + output());
    }

    /** Readiness polling interval: the deadline, not this pause, bounds the wait. */
    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The port the server bound, as its start line names it. */
    public int port() {
        return port;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public Process process() {
        return process;
    }

    /** SIGTERM, as a service manager stops it; returns the exit code. */
    public int terminate(Duration limit) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the server did not stop within " + limit + ": " + output());
        }
        return process.exitValue();
    }

    /**
     * SIGKILL ({@link Process#destroyForcibly()} on Linux), as a crash or the OOM killer ends it:
     * no shutdown hook runs, nothing is closed. Waits until it is gone; returns the exit code
     * (137 on Linux, 128 + SIGKILL's 9).
     */
    public int kill(Duration limit) throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the server was not gone within " + limit + " of SIGKILL");
        }
        return process.exitValue();
    }

    /**
     * What the server printed once a line containing {@code text} is among it (the start's last line,
     * say, which comes after /health answers); fails after {@code limit}.
     */
    public String awaitOutput(String text, Duration limit) {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            String printed = output();
            if (printed.contains(text)) {
                return printed;
            }
            pause();
        }
        throw new IllegalStateException("the server did not print \"" + text + "\" in " + limit + ": " + output());
    }

    public String output() {
        return read(log);
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
