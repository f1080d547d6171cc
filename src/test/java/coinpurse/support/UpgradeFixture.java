package coinpurse.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coinpurse.config.DatabaseAccess;
import coinpurse.db.CopyToPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A database written by the first server (schema V2, src/test/resources/upgrade/), served by
 * today's real server after the upgrade: on SQLite the file itself, upgraded in place when the
 * server opens it; on PostgreSQL the file upgraded and moved there by {@code copy-db}, as an
 * operator would. With the story the fixture's JSON tells, when it has one: the events the old
 * server received, and the Stripe objects as they finally stand (loaded into the fake Stripe).
 */
public final class UpgradeFixture {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One event the old server received, as delivered, and what it did with it. */
    public record OldEvent(String id, String type, String payload, String outcome) {}

    private UpgradeFixture() {}

    /** Serves a copy of the fixture {@code resource} (e.g. {@code /upgrade/coinpurse-v2.db}) from {@code dir}. */
    public static TestServer serve(Path dir, String resource, boolean postgres, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(extraEnv);
        try {
            if (postgres) {
                Path fixture = copy(resource, dir.resolve("fixture.db"));
                String url = TestPostgres.server().newDatabase();
                CopyToPostgres.copy(fixture, new DatabaseAccess(Optional.of(url), Optional.empty(), Optional.empty(), 4));
                env.put("DB_URL", url);
            } else {
                copy(resource, dir.resolve("db/coinpurse.db"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return TestServer.start(dir, env);
    }

    /** The story beside a fixture ({@code /upgrade/coinpurse-v2-ignored.json}). */
    public static JsonNode story(String resource) {
        try (InputStream in = UpgradeFixture.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test classpath");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The events of a story, in the order the old server received them. */
    public static List<OldEvent> events(JsonNode story) {
        List<OldEvent> events = new ArrayList<>();
        story.get("events").forEach(event -> events.add(new OldEvent(event.get("id").asText(),
                event.get("type").asText(), event.get("payload").asText(), event.get("outcome").asText())));
        return events;
    }

    private static Path copy(String resource, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try (InputStream fixture = UpgradeFixture.class.getResourceAsStream(resource)) {
            if (fixture == null) {
                throw new IllegalStateException(resource + " is not on the test classpath");
            }
            Files.copy(fixture, to);
        }
        return to;
    }
}
