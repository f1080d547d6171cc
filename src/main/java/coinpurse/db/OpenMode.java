package coinpurse.db;

/** How a database is opened: whether Flyway may change its schema, and whether it may be written. */
public enum OpenMode {
    /** Read and write; Flyway first brings the schema to this jar's version ({@code serve}, {@code migrate}…). */
    MIGRATE,
    /**
     * Read only, never migrated: on a schema of another version than this jar's, opening fails
     * with {@link SchemaVersionException} ({@code verify}, {@code events}, {@code user}).
     */
    READ_ONLY,
    /** Read only, never migrated, whatever the schema's version ({@code backup}, a look before migrating). */
    READ_ONLY_ANY_VERSION;

    boolean readOnly() {
        return this != MIGRATE;
    }
}
