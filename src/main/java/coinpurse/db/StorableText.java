package coinpurse.db;

/**
 * Text that both backends store and find alike, checked before it reaches a statement.
 * PostgreSQL's text cannot hold NUL (it refuses the statement, so a request would fail as if the
 * database were down), SQLite's can; an unpaired surrogate is stored as '?' by either driver,
 * another text than the one sent.
 */
public final class StorableText {

    private StorableText() {}

    /** Free text (a reason): anything but NUL or an unpaired surrogate. */
    public static boolean isStorable(String text) {
        if (text.indexOf('\u0000') >= 0) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** An id (user id, idempotency key): storable, not blank, at most {@code maxLength}, no control character. */
    public static boolean isId(String text, int maxLength) {
        if (text == null || text.isBlank() || text.length() > maxLength || !isStorable(text)) {
            return false;
        }
        return text.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
    }
}
