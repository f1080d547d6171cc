package coinpurse.http;

import io.javalin.http.Context;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * How the API answers one kind of exception: its status, its stable code, the sentence the
 * client reads, anything more for the answer (a header), and how it is logged: not at all (the
 * client's own doing), as a failure of ours with its stack, or as one WARN line for a failure of
 * what we depend on that needs no stack to be understood. Domain exceptions know nothing of this;
 * {@code coinpurse.ErrorTable} lists a rule for each.
 */
public record ErrorRule<E extends Exception>(
        Class<E> type,
        int status,
        Function<E, String> code,
        Function<E, String> message,
        BiConsumer<E, Context> decorate,
        Logged logged,
        Function<E, Map<String, Object>> fields) {

    /** How a rule's exception reaches the log. */
    public enum Logged { NOT, WITH_STACK, ONE_WARN_LINE }

    /** Answers {@code status} and {@code code} with the exception's own message, for a person. */
    public static <E extends Exception> ErrorRule<E> of(Class<E> type, int status, String code) {
        return new ErrorRule<>(type, status, e -> code, Exception::getMessage, (e, ctx) -> { }, Logged.NOT,
                e -> Map.of());
    }

    /** As {@link #of}, with the code taken from the exception. */
    public static <E extends Exception> ErrorRule<E> of(Class<E> type, int status, Function<E, String> code) {
        return new ErrorRule<>(type, status, code, Exception::getMessage, (e, ctx) -> { }, Logged.NOT,
                e -> Map.of());
    }

    /** A failure of ours or of what we depend on: a fixed sentence for the client, the details to the log. */
    public ErrorRule<E> withFixedMessageAndLogged(String sentence) {
        return new ErrorRule<>(type, status, code, e -> sentence, decorate, Logged.WITH_STACK, fields);
    }

    /**
     * A failure of what we depend on, whose message says it all (Stripe could not be reached): a
     * fixed sentence for the client, one WARN line with the message for the log, its stack at debug.
     */
    public ErrorRule<E> withFixedMessageAndWarned(String sentence) {
        return new ErrorRule<>(type, status, code, e -> sentence, decorate, Logged.ONE_WARN_LINE, fields);
    }

    public ErrorRule<E> decoratedBy(BiConsumer<E, Context> more) {
        return new ErrorRule<>(type, status, code, message, decorate.andThen(more), logged, fields);
    }

    /** Answers these fields beside {@code error} and {@code message} (a hold's {@code status}). */
    public ErrorRule<E> withFields(Function<E, Map<String, Object>> more) {
        return new ErrorRule<>(type, status, code, message, decorate, logged, more);
    }
}
