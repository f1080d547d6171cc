package coinpurse.cli;

import coinpurse.config.ConfigKeys;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The server cannot serve with these settings: the one line for a person (the cause, then the
 * keys that would change it) and exit 2, since a restart alone cannot help. The cause's stack, if
 * any, is logged at debug level only.
 */
public final class CannotStartException extends RuntimeException {
    CannotStartException(String cause, Throwable detail, String... keys) {
        super(cause + " (" + Arrays.stream(keys).map(ConfigKeys::named).collect(Collectors.joining(", ")) + ")",
                detail);
    }

    CannotStartException(String cause, String... keys) {
        this(cause, null, keys);
    }
}
