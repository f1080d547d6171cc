package coinpurse.db;

/** The one line to tell a person about a failure: its innermost cause's first line. */
public final class RootCause {
    private RootCause() {}

    public static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage()).lines().findFirst().orElse("");
    }
}
