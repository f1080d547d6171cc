package coinpurse.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/**
 * What the app logged while an action ran: slf4j-simple writes every line to the {@code System.err}
 * of the moment, so the lines are caught there, and passed on afterwards for the test's own output.
 */
public final class CapturedLog {
    private CapturedLog() {}

    /** The log lines written while {@code action} ran. */
    public static String during(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(UTF_8);
        original.print(log);
        return log;
    }
}
