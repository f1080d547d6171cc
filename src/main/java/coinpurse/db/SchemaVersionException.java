package coinpurse.db;

/**
 * A database opened read-only ({@link OpenMode#READ_ONLY}) whose schema is not this jar's
 * version: older (not migrated yet), newer (written by a newer coinpurse), or none at all.
 * Nothing was changed; the message says which version it is and what upgrades it.
 */
public final class SchemaVersionException extends DatabaseException {
    private final int found;

    SchemaVersionException(int found, int expected) {
        super(message(found, expected));
        this.found = found;
    }

    /** The version of the newest migration applied to the database (0: none). */
    public int found() {
        return found;
    }

    private static String message(int found, int expected) {
        String upgrade = "`coinpurse migrate` (or starting `serve`) upgrades it; read-only commands never change a"
                + " database";
        if (found == 0) {
            return "the database has no coinpurse schema yet (version 0, this coinpurse reads version " + expected
                    + "): " + upgrade.replace("upgrades", "creates");
        }
        if (found < expected) {
            return "the database is at schema version " + found + ", older than this coinpurse's " + expected + ": "
                    + upgrade;
        }
        return "the database is at schema version " + found + ", newer than this coinpurse's " + expected
                + ": use the coinpurse that wrote it, or a newer one";
    }
}
