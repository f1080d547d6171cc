package coinpurse.cli;

/**
 * The commands' exit codes. The read-only ones ({@code verify}, {@code events}, {@code user},
 * {@code liability}) follow grep and diff: {@link #NO} the answer is no (a problem found, an unknown
 * user), {@link #TROUBLE} they could not look. The ones that act ({@code migrate}, {@code copy-db},
 * {@code backup}, {@code reconcile}) answer {@link #FAILED} when they could not do it. A
 * configuration error or a bad option is {@link #TROUBLE} for all (picocli's usage code).
 */
final class ExitCodes {
    static final int OK = 0;
    static final int NO = 1;
    static final int FAILED = 1;
    static final int TROUBLE = 2;

    private ExitCodes() {}
}
