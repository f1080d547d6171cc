package coinpurse.config;

import java.util.List;
import java.util.Optional;

/** Finds the word someone most likely meant when they mistyped a key. */
final class DidYouMean {
    private static final int MAX_MISTAKES = 2;

    private DidYouMean() {}

    /** The candidate at most two typing mistakes away from {@code word}, if there is one. */
    static Optional<String> closest(String word, List<String> candidates) {
        String best = null;
        int bestDistance = MAX_MISTAKES + 1;
        for (String candidate : candidates) {
            int distance = editDistance(word, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance: the fewest insertions, deletions and substitutions turning a into b. */
    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
