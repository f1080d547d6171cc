package coinpurse.http;

/** The one shape of every error the API answers: {@code {"error", "message"}}. */
public record ErrorBody(String error, String message) {}
