package coinpurse.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import coinpurse.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;

/** What one in-process run of the command line printed and returned. */
public record CliRun(int exit, String out, String err) {

    /**
     * Runs the command line in this JVM through {@link Main#run}, capturing what it prints on
     * stdout and stderr (Main.run never exits the JVM). One run at a time: System.out and
     * System.err are the JVM's.
     */
    public static synchronized CliRun run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        int exit;
        try (PrintStream capturedOut = new PrintStream(outBytes, true, UTF_8);
                PrintStream capturedErr = new PrintStream(errBytes, true, UTF_8)) {
            System.setOut(capturedOut);
            System.setErr(capturedErr);
            exit = Main.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new CliRun(exit, outBytes.toString(UTF_8), errBytes.toString(UTF_8));
    }

    public List<String> outLines() {
        return out.lines().toList();
    }
}
