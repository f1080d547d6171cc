package coinpurse.config;

/** A setting that stops the start; its message is one line naming the key. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
