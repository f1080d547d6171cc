package coinpurse.support;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The other languages' toolchains that tests run, installed by the project's own scripts: Node.js
 * with the npm packages of {@code src/test/node} ({@code install.sh}), Debian's python3 with PyJWT
 * ({@code src/test/python/install-pyjwt.sh}). CI runs both scripts before Maven; a test calls them
 * itself when what it needs is missing, and fails with the script's word when it cannot be had:
 * a test that cannot run is a failure, never a skip.
 */
public final class Toolchains {
    public static final Path NODE_PACKAGES = Path.of("src/test/node").toAbsolutePath();
    public static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(8);

    private static boolean nodeChecked;

    private Toolchains() {}

    /** What one command printed (stdout and stderr together) and how it exited. */
    public record Ran(int exit, String output) {
        public Ran requireSuccess(String what) {
            if (exit != 0) {
                fail(what + " exited " + exit + ":\n" + output);
            }
            return this;
        }
    }

    /** {@code src/test/node/node_modules}, installed (the script is quick when it already is). */
    public static synchronized Path nodeModules() {
        if (!nodeChecked) {
            run(NODE_PACKAGES, Map.of(), INSTALL_TIMEOUT, NODE_PACKAGES.resolve("install.sh").toString())
                    .requireSuccess("src/test/node/install.sh");
            nodeChecked = true;
        }
        return NODE_PACKAGES.resolve("node_modules");
    }

    /** An executable of an npm package in {@link #nodeModules()}, e.g. {@code tsc}. */
    public static String npmBin(String name) {
        Path bin = nodeModules().resolve(".bin").resolve(name);
        if (!Files.isExecutable(bin)) {
            fail(bin + " is missing after src/test/node/install.sh: is it in src/test/node/package.json?");
        }
        return bin.toString();
    }

    /** Debian's python3, able to import {@code jwt}. */
    public static synchronized String pythonWithPyJwt() {
        if (!Files.isExecutable(PYTHON) || run(Path.of("."), Map.of(), Duration.ofSeconds(30),
                PYTHON.toString(), "-c", "import jwt").exit() != 0) {
            run(Path.of("."), Map.of(), INSTALL_TIMEOUT, Path.of("src/test/python/install-pyjwt.sh").toAbsolutePath().toString())
                    .requireSuccess("src/test/python/install-pyjwt.sh");
        }
        return PYTHON.toString();
    }

    /** The java launcher of the JDK running the tests. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs {@code command} in {@code dir} with {@code env} added to this JVM's environment. */
    public static Ran run(Path dir, Map<String, String> env, Duration timeout, String... command) {
        ProcessBuilder builder = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Path output = Files.createTempFile("coinpurse-tool", ".out");
            try {
                Process process = builder.redirectOutput(output.toFile()).start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor();
                    fail(String.join(" ", command) + " did not finish within " + timeout + ":\n" + Files.readString(output, UTF_8));
                }
                return new Ran(process.exitValue(), Files.readString(output, UTF_8));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command[0], e);
        }
    }
}
