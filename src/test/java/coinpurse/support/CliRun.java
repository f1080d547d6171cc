package coinpurse.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import coinpurse.Main;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.function.Consumer;

/** What one in-process run of the command line printed and returned. */
public record CliRun(int exit, String out, String err) {

    /**
     * Runs the command line in this JVM through {@link Main#run}, capturing what it prints on
     * stdout and stderr (Main.run never exits the JVM). One run at a time: System.out and
     * System.err are the JVM's.
     */
    public static CliRun run(String... args) {
        return run(line -> { }, args);
    }

    /**
     * As {@link #run(String...)}, handing each line of stdout to {@code onOutLine} as soon as it
     * is printed, on the command's own thread: a test can wait there for something to happen
     * while the command is known to be in the middle of its work.
     */
    public static synchronized CliRun run(Consumer<String> onOutLine, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        LineTap outBytes = new LineTap(onOutLine);
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
        return new CliRun(exit, outBytes.all.toString(UTF_8), errBytes.toString(UTF_8));
    }

    public List<String> outLines() {
        return out.lines().toList();
    }

    /** Keeps every byte, and hands each complete line to a listener. */
    private static final class LineTap extends OutputStream {
        private final ByteArrayOutputStream all = new ByteArrayOutputStream();
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final Consumer<String> onLine;

        LineTap(Consumer<String> onLine) {
            this.onLine = onLine;
        }

        @Override
        public void write(int b) {
            all.write(b);
            if (b == '\n') {
                onLine.accept(line.toString(UTF_8).stripTrailing());
                line.reset();
            } else {
                line.write(b);
            }
        }
    }
}
