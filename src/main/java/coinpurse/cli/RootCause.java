package coinpurse.cli;

/** The one line a command prints about a failure: its innermost cause's first line. */
final class RootCause {
    private RootCause() {}

    static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage()).lines().findFirst().orElse("");
    }
}
