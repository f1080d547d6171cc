package coinpurse.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One command line of {@code coinpurse.Main} run to its end in a child JVM (on this test run's
 * classpath), for what only a real process shows: its exit status, and what it leaves on disk.
 * Its output is kept outside {@code dir}, so that a test can see that nothing was written there.
 */
public final class ChildRun {
    private static final long LIMIT_SECONDS = 60;

    private ChildRun() {}

    /** Runs {@code args} in {@code dir} with {@code env} added to this JVM's environment. */
    public static CliRun run(Path dir, Map<String, String> env, String... args) throws IOException {
        return run(dir, env, List.of(), args);
    }

    /** As {@link #run(Path, Map, String...)}, with {@code jvmOptions} (system properties) for the child. */
    public static CliRun run(Path dir, Map<String, String> env, List<String> jvmOptions, String... args)
            throws IOException {
        Path logs = Files.createTempDirectory("coinpurse-child-run-");
        try {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "coinpurse.Main"));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectOutput(logs.resolve("out").toFile())
                    .redirectError(logs.resolve("err").toFile());
            // The JVM announces these on stderr: the output must be coinpurse's alone.
            builder.environment().remove("JAVA_TOOL_OPTIONS");
            builder.environment().remove("_JAVA_OPTIONS");
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("still running after " + LIMIT_SECONDS + " s (it should have stopped): "
                        + Files.readString(logs.resolve("out")) + Files.readString(logs.resolve("err")));
            }
            return new CliRun(process.exitValue(), Files.readString(logs.resolve("out")),
                    Files.readString(logs.resolve("err")));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            TempFolders.delete(logs);
        }
    }
}
