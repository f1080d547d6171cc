package coinpurse.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether the SQLite file can live at a path, found out before anything is created: a file that
 * exists must be a file this user can read and write (with its {@code -wal} and {@code -shm}),
 * in a folder it can write to; a file that does not exist yet needs its first existing ancestor
 * to be a folder this user can write to. Nothing here creates or changes anything.
 */
public final class SqlitePathCheck {
    /** The kernel's own file systems: root passes access(2)'s write check there, yet nothing can be created. */
    private static final Set<String> KERNEL_FILE_SYSTEMS = Set.of("proc", "sysfs");

    private SqlitePathCheck() {}

    /** Why {@code file} cannot hold the database, as a phrase for a person; empty when it can. */
    public static Optional<String> problem(Path file) {
        Path database = file.toAbsolutePath().normalize();
        if (Files.isDirectory(database)) {
            return Optional.of("the database path " + database + " is a folder, not a file");
        }
        if (Files.exists(database)) {
            return existingFileProblem(database);
        }
        Path folder = database.getParent();
        Path existing = folder;
        while (!Files.exists(existing)) {
            existing = existing.getParent();
        }
        String target = existing.equals(folder) ? "the database " + database : "the database folder " + folder;
        if (!Files.isDirectory(existing)) {
            return Optional.of("cannot create " + target + ": " + existing + " is a file, not a folder");
        }
        return folderProblem(existing).map(why -> "cannot create " + target + ": " + why);
    }

    private static Optional<String> existingFileProblem(Path database) {
        if (!Files.isRegularFile(database)) {
            return Optional.of("the database path " + database + " is not a regular file");
        }
        for (Path part : List.of(database, sibling(database, "-wal"), sibling(database, "-shm"))) {
            if (Files.exists(part) && !(Files.isReadable(part) && Files.isWritable(part))) {
                return Optional.of("the database file " + part + " cannot be read and written by user " + user());
            }
        }
        // SQLite creates its -wal and -shm files beside the database.
        return folderProblem(database.getParent()).map(why -> "cannot write beside the database " + database + ": "
                + why);
    }

    private static Optional<String> folderProblem(Path folder) {
        if (isKernelFileSystem(folder)) {
            return Optional.of(folder + " is on the kernel's own file system, where no file can be created");
        }
        if (!Files.isWritable(folder) || !Files.isExecutable(folder)) {
            return Optional.of("the folder " + folder + " is not writable by user " + user());
        }
        return Optional.empty();
    }

    private static boolean isKernelFileSystem(Path folder) {
        try {
            return KERNEL_FILE_SYSTEMS.contains(Files.getFileStore(folder).type());
        } catch (IOException unknown) {
            return false;
        }
    }

    private static Path sibling(Path database, String suffix) {
        return database.resolveSibling(database.getFileName() + suffix);
    }

    private static String user() {
        return System.getProperty("user.name");
    }
}
