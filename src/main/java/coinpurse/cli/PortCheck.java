package coinpurse.cli;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Locale;

/**
 * Whether the server can listen where it is told to, found out by binding the address and
 * releasing it at once, before anything is created. Jetty binds the same way (SO_REUSEADDR), so a
 * port left in TIME_WAIT by a previous run passes here as it does there.
 */
final class PortCheck {
    private PortCheck() {}

    /** @throws CannotStartException naming the cause and {@code server.host} or {@code server.port} */
    static void check(String host, int port) {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new CannotStartException("cannot listen on " + host + ": no such host", "server.host");
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(address);
        } catch (IOException e) {
            throw failure(host, port, e);
        }
    }

    /** The one line for a bind that failed, here or in Jetty (the real bind losing a race). */
    static CannotStartException failure(String host, int port, IOException e) {
        String reason = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (e instanceof BindException && reason.contains("in use")) {
            return new CannotStartException("port " + port + " on " + host + " is in use", e, "server.port");
        }
        if (e instanceof BindException && reason.contains("permission denied")) {
            return new CannotStartException("port " + port + " on " + host + " is a privileged port, which this"
                    + " user may not listen on", e, "server.port");
        }
        if (reason.contains("assign requested address")) {
            return new CannotStartException(host + " is not an address of this machine", e, "server.host");
        }
        return new CannotStartException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e,
                "server.host", "server.port");
    }
}
