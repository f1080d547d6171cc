package coinpurse.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One scrape of {@code /metrics}, parsed from Prometheus' text format: each sample's name,
 * labels and value. Comments ({@code # HELP}, {@code # TYPE}) are skipped.
 */
public record PrometheusScrape(List<Sample> samples) {

    public record Sample(String name, Map<String, String> labels, double value) {}

    public static PrometheusScrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            samples.add(sample(line));
        }
        return new PrometheusScrape(List.copyOf(samples));
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        if (space < 0) {
            throw new AssertionError("not a sample line: " + line);
        }
        Map<String, String> labels = new TreeMap<>();
        String name;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            int close = line.lastIndexOf('}');
            readLabels(line.substring(brace + 1, close), labels, line);
        } else {
            name = line.substring(0, space);
        }
        return new Sample(name, labels, Double.parseDouble(line.substring(space + 1)));
    }

    /** {@code a="x",b="y"}, with {@code \"}, {@code \\} and {@code \n} escapes inside values. */
    private static void readLabels(String text, Map<String, String> labels, String line) {
        int i = 0;
        while (i < text.length()) {
            int equals = text.indexOf('=', i);
            if (equals < 0 || text.charAt(equals + 1) != '"') {
                throw new AssertionError("bad labels: " + line);
            }
            String key = text.substring(i, equals).strip();
            StringBuilder value = new StringBuilder();
            int j = equals + 2;
            for (; text.charAt(j) != '"'; j++) {
                char c = text.charAt(j);
                if (c == '\\') {
                    char next = text.charAt(++j);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(c);
                }
            }
            labels.put(key, value.toString());
            i = j + 1;
            if (i < text.length() && text.charAt(i) == ',') {
                i++;
            }
        }
    }

    /**
     * The sum of the samples named {@code name} whose labels include {@code labelPairs}
     * ({@code "key", "value", …}); 0 when there is none, as Prometheus reads a series not yet created.
     */
    public double value(String name, String... labelPairs) {
        double sum = 0;
        for (Sample sample : samples) {
            if (sample.name().equals(name) && hasLabels(sample, labelPairs)) {
                sum += sample.value();
            }
        }
        return sum;
    }

    /** True when at least one sample is named {@code name}. */
    public boolean has(String name) {
        return samples.stream().anyMatch(sample -> sample.name().equals(name));
    }

    private static boolean hasLabels(Sample sample, String... labelPairs) {
        for (int i = 0; i < labelPairs.length; i += 2) {
            if (!labelPairs[i + 1].equals(sample.labels().get(labelPairs[i]))) {
                return false;
            }
        }
        return true;
    }
}
