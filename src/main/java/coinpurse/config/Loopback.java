package coinpurse.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which host names stay on this machine: {@code localhost}, an IPv4 literal of 127.0.0.0/8 and
 * the IPv6 {@code ::1} (bracketed or not). Decided from the text alone, never by asking DNS, so
 * that a name cannot resolve to loopback today and elsewhere tomorrow.
 */
public final class Loopback {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private Loopback() {}

    public static boolean isLoopbackHost(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (name.toLowerCase(Locale.ROOT).equals("localhost")) {
            return true;
        }
        if (!IPV4.matcher(name).matches() && !name.contains(":")) {
            return false; // a name other than localhost: only DNS could tell
        }
        try {
            // A literal address: InetAddress parses it without any lookup.
            return InetAddress.getByName(name).isLoopbackAddress();
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }
}
