package coinpurse.events;

/**
 * Where one open stream's events go: the client's connection, as the HTTP side sees it. {@link #send}
 * and {@link #comment} come from one writer at a time and may block while the client reads slowly;
 * {@link #abort} may come from any thread, never blocks, and fails a write that is blocked.
 */
public interface StreamSink {
    /** Writes {@code event} and flushes it; false when the client is gone. */
    boolean send(AppEvent event);

    /** Writes a comment line (a heartbeat) and flushes it; false when the client is gone. */
    boolean comment(String text);

    /** Cuts the connection and ends the answer: a client that stopped reading, or the server stopping. */
    void abort();
}
