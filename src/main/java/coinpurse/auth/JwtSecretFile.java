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
        Path file = dbPath.toAbsolutePath().getParent().resolve(FILE_NAME);
        log.warn("auth.jwt_secret is not set: using the generated secret in {}. "
                + "Set auth.jwt_secret to the secret your web app signs its tokens with.", file);
        try {
            return Files.exists(file) ? read(file) : create(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the token secret file " + file, e);
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
