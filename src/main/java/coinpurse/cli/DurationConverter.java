package coinpurse.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A positive duration written {@code 90s}, {@code 30m}, {@code 1h}, {@code 2d}, or ISO-8601 ({@code PT1H}):
 * the one syntax of every option that takes a duration ({@code DurationOptionsTest} keeps them to it).
 */
public final class DurationConverter implements ITypeConverter<Duration> {
    /** The forms accepted, for the options' help texts and the error message. */
    public static final String FORMS = "90s, 30m, 1h, 2d or ISO-8601 such as PT1H";
    private static final Pattern SHORT = Pattern.compile("([0-9]{1,9})([smhd])");

    @Override
    public Duration convert(String text) {
        Duration duration = parse(text.trim().toLowerCase(Locale.ROOT));
        if (duration.isZero() || duration.isNegative()) {
            throw new TypeConversionException("'" + text + "' is not a positive duration");
        }
        return duration;
    }

    private static Duration parse(String text) {
        Matcher shortForm = SHORT.matcher(text);
        if (shortForm.matches()) {
            long amount = Long.parseLong(shortForm.group(1));
            return switch (shortForm.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + text + "' is not a duration: write " + FORMS);
        }
    }
}
