package coinpurse.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Reads a properties text (the config file, or a resource of the jar) into its entries in the
 * order they are written, refusing a key written twice.
 */
final class PropertiesText {
    private PropertiesText() {}

    /** The entries of {@code file}; any problem reading it is a one-line {@link ConfigException}. */
    static Map<String, String> read(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(reader, file.toString());
        } catch (MalformedInputException e) {
            throw new ConfigException("config file " + file + " is not UTF-8 text");
        } catch (AccessDeniedException e) {
            throw new ConfigException("config file " + file + " cannot be read: permission denied");
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage());
        } catch (IllegalArgumentException e) { // a malformed \\uXXXX escape
            throw new ConfigException("config file " + file + " is malformed: " + e.getMessage());
        }
    }

    /** The entries of a resource that ships with the server, such as {@code /coinpurse/default-packages.properties}. */
    static Map<String, String> readResource(String name) {
        InputStream in = PropertiesText.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("resource " + name + " is missing from the build");
        }
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return read(reader, "resource " + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> read(Reader reader, String source) throws IOException {
        OrderedProperties properties = new OrderedProperties(source);
        properties.load(reader);
        return Collections.unmodifiableMap(properties.inOrder);
    }

    /**
     * Properties that remember the order of the text (so packages keep the order they are
     * written in) and refuse a key written twice (Properties would silently keep the last).
     * {@link Properties#load} stores every entry through {@link #put}.
     */
    private static final class OrderedProperties extends Properties {
        private final String source;
        private final Map<String, String> inOrder = new LinkedHashMap<>();

        OrderedProperties(String source) {
            this.source = source;
        }

        @Override
        public synchronized Object put(Object key, Object value) {
            if (inOrder.putIfAbsent((String) key, (String) value) != null) {
                throw new ConfigException("\"" + key + "\" is set twice in " + source);
            }
            return super.put(key, value);
        }
    }
}
