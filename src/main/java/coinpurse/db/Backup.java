package coinpurse.db;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * A consistent copy of the live database, taken with SQLite's {@code VACUUM INTO} on one of its
 * connections: a read transaction, so the server keeps reading and writing meanwhile (WAL), and
 * the copy is one committed state, compacted, with no -wal file of its own.
 *
 * <p>The copy is written to a temporary file beside the target and moved to its name only once
 * complete and synced, so a file at the target name is always a whole backup. An existing
 * target is never replaced.
 */
public final class Backup {

    /** Where the backup went and how big it is. */
    public record Result(Path file, long bytes) {}

    /** The target exists already; nothing was written. */
    public static final class TargetExistsException extends RuntimeException {
        public TargetExistsException(Path target) {
            super(target + " already exists; choose a new file name (a backup never overwrites)");
        }
    }

    private final SqliteDatabase db;

    public Backup(SqliteDatabase db) {
        this.db = db;
    }

    /** Throws {@link TargetExistsException} if something (even a dangling link) is at {@code target}. */
    public static void requireNew(Path target) {
        Path file = target.toAbsolutePath().normalize();
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new TargetExistsException(file);
        }
    }

    /** Copies the database to {@code target}, a new file, creating its folder. */
    public Result to(Path target) throws IOException {
        requireNew(target);
        Path file = target.toAbsolutePath().normalize();
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".partial");
        try {
            vacuumInto(partial);
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            // Without REPLACE_EXISTING, a target that appeared meanwhile is refused, not replaced.
            Files.move(partial, file);
        } catch (FileAlreadyExistsException e) {
            throw new TargetExistsException(file);
        } finally {
            Files.deleteIfExists(partial);
        }
        return new Result(file, Files.size(file));
    }

    private void vacuumInto(Path partial) {
        try (Connection connection = db.dataSource().getConnection();
                PreparedStatement vacuum = connection.prepareStatement("VACUUM INTO ?")) {
            vacuum.setString(1, partial.toString());
            vacuum.execute();
        } catch (SQLException e) {
            throw new DatabaseException("VACUUM INTO " + partial + " failed", e);
        }
    }
}
