package coinpurse.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/** What the app logged while an action ran: slf4j-simple writes to {@code System.err}. */
public final class LogCapture {

    private LogCapture() {}

    /** The log written while {@code action} ran; also passed on to the real stderr, for the test report. */
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
