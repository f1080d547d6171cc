package coinpurse.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the text of each setting comes from: the file ({@code --config FILE}, else
 * {@code config.properties} in the working directory if present), the built-in packages when the
 * file names none, and the environment over both.
 */
final class SettingsSources {
    private SettingsSources() {}

    static Settings read(Optional<Path> configFile, Map<String, String> env, Path workingDir) {
        Optional<Path> file = configFile.isPresent()
                ? Optional.of(existing(configFile.get()))
                : Optional.of(workingDir.resolve(ConfigLoader.DEFAULT_FILE_NAME)).filter(Files::isRegularFile);
        Map<String, String> written = new LinkedHashMap<>(file.map(PropertiesText::read).orElse(Map.of()));
        KnownKeys.check(written.keySet(), file.map(Path::toString).orElse(""));
        if (KnownKeys.packageIds(written.keySet()).isEmpty()) {
            written.putAll(DefaultPackages.text());
        }
        return layered(written, env);
    }

    /**
     * The settings of {@code written}, text whose keys are already checked, with {@code env} over it.
     * The packages of the catalog are those that {@code written} names: the environment can change
     * them but not add one.
     */
    static Settings layered(Map<String, String> written, Map<String, String> env) {
        List<String> packageIds = KnownKeys.packageIds(written.keySet());
        Map<String, String> text = new HashMap<>();
        written.forEach((key, value) -> {
            if (!value.isBlank()) {
                text.put(key, value.strip());
            }
        });
        EnvironmentOverrides overrides = EnvironmentOverrides.read(env, KnownKeys.all(packageIds));
        text.putAll(overrides.values());
        return new Settings(text, overrides.variableNames(), packageIds);
    }

    private static Path existing(Path file) {
        if (!Files.exists(file)) {
            throw new ConfigException("config file not found: " + file);
        }
        return file;
    }
}
