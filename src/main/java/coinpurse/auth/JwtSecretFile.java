package coinpurse.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token secret when none is configured: generated once, kept beside the database in
 * an owner-only file, so that a server and a later {@code token} command agree on it.
 */
public final class JwtSecretFile {
    private static final Logger log = LoggerFactory.getLogger(JwtSecretFile.class);
    private static final String FILE_NAME = "jwt-secret";

    private JwtSecretFile() {}

    /** The configured secret, or the generated one beside {@code dbPath}. */
    public static String resolve(Optional<String> configured, Path dbPath) {
        if (configured.isPresent()) {
            return configured.get();
        }
        Path file = fileBeside(dbPath);
        log.warn("auth.jwt_secret is not set: using the generated secret in {}. "
                + "Set auth.jwt_secret to the secret your web app signs its tokens with.", file);
        try {
            return Files.exists(file) ? read(file) : create(file);
        } catch (IOException e) {
            throw new UnusableFileException("cannot read or create the token secret file " + file, e);
        }
    }

    /**
     * Why the secret file that {@link #resolve} would read cannot be read, found out without
     * writing; empty when a secret is configured, or the file can be read or created (creating it
     * needs the database's folder, which the database's own start check covers).
     */
    public static Optional<String> problem(Optional<String> configured, Path dbPath) {
        Path file = fileBeside(dbPath);
        if (configured.isPresent() || !Files.exists(file) || Files.isRegularFile(file) && Files.isReadable(file)) {
            return Optional.empty();
        }
        return Optional.of("the token secret file " + file + " cannot be read by user "
                + System.getProperty("user.name"));
    }

    private static Path fileBeside(Path dbPath) {
        return dbPath.toAbsolutePath().getParent().resolve(FILE_NAME);
    }

    /** The secret file could not be read or created. */
    public static final class UnusableFileException extends UncheckedIOException {
        UnusableFileException(String message, IOException cause) {
            super(message, cause);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    /** Writes a fresh secret to a private temp file, then renames it into place. */
    private static String create(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] random = new byte[48];
        new SecureRandom().nextBytes(random);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path temp = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temp, secret + "\n", StandardCharsets.UTF_8);
            Files.move(temp, file);
            return secret;
        } catch (FileAlreadyExistsException anotherProcessWon) {
            return read(file);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
