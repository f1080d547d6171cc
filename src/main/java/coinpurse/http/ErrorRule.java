package coinpurse.http;

import io.javalin.http.Context;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * How the API answers one kind of exception: its status, its stable code, the sentence the
 * client reads, anything more for the answer (a header), and whether it is a failure of ours
 * to log with its stack. Domain exceptions know nothing of this; {@code coinpurse.ErrorTable}
 * lists a rule for each.
 */
public record ErrorRule<E extends Exception>(
        Class<E> type,
        int status,
        Function<E, String> code,
        Function<E, String> message,
        BiConsumer<E, Context> decorate,
        boolean logged) {

    /** Answers {@code status} and {@code code} with the exception's own message, for a person. */
    public static <E extends Exception> ErrorRule<E> of(Class<E> type, int status, String code) {
        return new ErrorRule<>(type, status, e -> code, Exception::getMessage, (e, ctx) -> { }, false);
    }

    /** As {@link #of}, with the code taken from the exception. */
    public static <E extends Exception> ErrorRule<E> of(Class<E> type, int status, Function<E, String> code) {
        return new ErrorRule<>(type, status, code, Exception::getMessage, (e, ctx) -> { }, false);
    }

    /** A failure of ours or of what we depend on: a fixed sentence for the client, the details to the log. */
    public ErrorRule<E> withFixedMessageAndLogged(String sentence) {
        return new ErrorRule<>(type, status, code, e -> sentence, decorate, true);
    }

    public ErrorRule<E> decoratedBy(BiConsumer<E, Context> more) {
        return new ErrorRule<>(type, status, code, message, decorate.andThen(more), logged);
    }
}
