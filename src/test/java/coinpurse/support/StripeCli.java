package coinpurse.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The real Stripe CLI as npm ships it ({@code @stripe/cli}, pinned in {@code src/test/node}),
 * run through its npm launcher with a home folder of its own and an API key from the environment
 * ({@code STRIPE_API_KEY}, what {@code stripe login} would otherwise store), no telemetry and no
 * self-update. {@code src/test/node/install.sh} installs it (and Node, as root) when missing.
 */
public final class StripeCli {
    private static final Path NODE_TOOLS = Path.of("src/test/node").toAbsolutePath();
    private static final Path LAUNCHER = NODE_TOOLS.resolve("node_modules/.bin/stripe");
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");

    private final Path home;
    private final String apiKey;

    private StripeCli(Path home, String apiKey) {
        this.home = home;
        this.apiKey = apiKey;
    }

    /** The CLI, installed first if it or Node is missing, with {@code home} as its home and {@code apiKey} as its key. */
    public static StripeCli installed(Path home, String apiKey) {
        if (!Files.isExecutable(LAUNCHER) || !onPath("node")) {
            ProcessBuilder install = new ProcessBuilder("bash", NODE_TOOLS.resolve("install.sh").toString())
                    .redirectErrorStream(true);
            Finished done = finish(install, Duration.ofMinutes(10));
            if (done.exit() != 0 || !Files.isExecutable(LAUNCHER)) {
                throw new AssertionError("src/test/node/install.sh could not install the Stripe CLI (exit "
                        + done.exit() + "):\n" + done.output());
            }
        }
        return new StripeCli(home, apiKey);
    }

    /** What a finished run printed: stdout (and stderr, when merged) without colours. */
    public record Finished(int exit, String output) {}

    /** Runs {@code stripe args…} to its end (at most {@code within}); stderr goes to the test's log. */
    public Finished run(List<String> args, Duration within) {
        return finish(command(args).redirectError(ProcessBuilder.Redirect.INHERIT), within);
    }

    /** Starts {@code stripe args…}, stdout and stderr together, until {@link Running#close()}. */
    public Running start(List<String> args) {
        return new Running(start(command(args).redirectErrorStream(true)));
    }

    /** A CLI that runs until closed, its output read as it comes. */
    public static final class Running implements AutoCloseable {
        private final Process process;
        private final StringBuilder output = new StringBuilder();
        /** The process closed its output (it exited): guarded by {@link #output}. */
        private boolean outputEnded;

        private Running(Process process) {
            this.process = process;
            Thread reader = new Thread(this::read, "stripe-cli-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits (at most {@code within}) until the output contains {@code text}; the output so far. */
        public String awaitOutput(String text, Duration within) {
            long deadline = System.nanoTime() + within.toNanos();
            synchronized (output) {
                while (output.indexOf(text) < 0) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0 || outputEnded) {
                        throw new AssertionError("stripe printed no \"" + text + "\" "
                                + (outputEnded ? "before it exited" : "within " + within.toSeconds() + " s") + ":\n"
                                + output);
                    }
                    try {
                        output.wait(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new AssertionError("interrupted", e);
                    }
                }
                return output.toString();
            }
        }

        public String output() {
            synchronized (output) {
                return output.toString();
            }
        }

        private void read() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    synchronized (output) {
                        output.append(ANSI.matcher(line).replaceAll("")).append('\n');
                        output.notifyAll();
                    }
                }
            } catch (IOException ended) {
                // The process was stopped: nothing more to read.
            } finally {
                synchronized (output) {
                    outputEnded = true;
                    output.notifyAll();
                }
            }
        }

        /** Stops the CLI (SIGTERM, as Ctrl+C), the npm launcher and the binary it runs alike. */
        @Override
        public void close() {
            List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
            all.add(process.toHandle());
            all.forEach(ProcessHandle::destroy);
            for (ProcessHandle handle : all) {
                try {
                    handle.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception notYet) {
                    handle.destroyForcibly();
                }
            }
        }
    }

    private ProcessBuilder command(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("STRIPE_API_KEY", apiKey);
        env.put("STRIPE_CLI_TELEMETRY_OPTOUT", "1");
        env.put("STRIPE_NO_AUTO_UPDATE", "1");
        return builder;
    }

    private static Process start(ProcessBuilder builder) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + builder.command(), e);
        }
    }

    /** Runs {@code builder} to its end (at most {@code within}), its stdout kept in a file meanwhile. */
    private static Finished finish(ProcessBuilder builder, Duration within) {
        Path out = null;
        try {
            out = Files.createTempFile("stripe-cli-", ".out");
            Process process = start(builder.redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                    new File("/dev/null"))));
            if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError(builder.command() + " ran over " + within.toSeconds() + " s:\n"
                        + Files.readString(out, UTF_8));
            }
            return new Finished(process.exitValue(), ANSI.matcher(Files.readString(out, UTF_8)).replaceAll(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            if (out != null) {
                out.toFile().delete();
            }
        }
    }

    private static boolean onPath(String program) {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, program))) {
                return true;
            }
        }
        return false;
    }
}
