package coinpurse.support;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of PostgreSQL that reads the protocol both ways and counts what a request
 * costs the database: round trips (each exchange ends with one ReadyForQuery from the server), the
 * pool's validations among them (an empty simple query), COMMITs, and exchanges that ended a
 * transaction of their own without one (a statement in autocommit). The start-up exchange of a
 * connection is not counted. The tests' server offers no encryption, so the stream is readable.
 */
public final class CountingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final AtomicLong roundTrips = new AtomicLong();
    private final AtomicLong validations = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong autocommits = new AtomicLong();

    private CountingProxy(ServerSocket listener, int targetPort) {
        this.listener = listener;
        this.targetPort = targetPort;
    }

    /** A proxy on a free loopback port to PostgreSQL on 127.0.0.1:{@code targetPort}. */
    public static CountingProxy start(int targetPort) {
        try {
            CountingProxy proxy = new CountingProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
                    targetPort);
            daemon(proxy::accept);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code jdbcUrl} with its port replaced by this proxy's. */
    public String proxied(String jdbcUrl) {
        return jdbcUrl.replaceFirst(":" + targetPort + "/", ":" + listener.getLocalPort() + "/");
    }

    /** What was counted so far. */
    public Counts counts() {
        return new Counts(roundTrips.get(), validations.get(), commits.get(), autocommits.get());
    }

    /** Round trips (validations among them), COMMITs, and statements that committed by themselves. */
    public record Counts(long roundTrips, long validations, long commits, long autocommits) {
        public Counts minus(Counts before) {
            return new Counts(roundTrips - before.roundTrips, validations - before.validations,
                    commits - before.commits, autocommits - before.autocommits);
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                daemon(() -> relay(client, server));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void relay(Socket client, Socket server) {
        try (client; server) {
            DataInputStream fromClient = new DataInputStream(client.getInputStream());
            DataInputStream fromServer = new DataInputStream(server.getInputStream());
            OutputStream toServer = server.getOutputStream();
            OutputStream toClient = client.getOutputStream();
            while (true) {
                // Untyped start-up packets: an SSL or GSS request (answered by one byte), then the startup message.
                int length = fromClient.readInt();
                byte[] packet = fromClient.readNBytes(length - 4);
                toServer.write(intBytes(length));
                toServer.write(packet);
                toServer.flush();
                int code = ((packet[0] & 0xff) << 24) | ((packet[1] & 0xff) << 16) | ((packet[2] & 0xff) << 8)
                        | (packet[3] & 0xff);
                if (code != 80877103 && code != 80877104) {
                    break;
                }
                int answer = fromServer.read();
                if (answer != 'N') {
                    throw new IOException("the server offers encryption");
                }
                toClient.write(answer);
                toClient.flush();
            }
            daemon(() -> clientSide(fromClient, toServer, client, server));
            serverSide(fromServer, toClient);
        } catch (IOException e) {
            // a connection closed
        }
    }

    /** Passes the client's messages on, counting empty simple queries (a pool's validation). */
    private void clientSide(DataInputStream in, OutputStream out, Socket client, Socket server) {
        try (client; server) {
            while (true) {
                int type = in.read();
                if (type < 0) {
                    return;
                }
                int length = in.readInt();
                byte[] body = in.readNBytes(length - 4);
                if (type == 'Q' && body.length == 1) {
                    validations.incrementAndGet();
                }
                out.write(type);
                out.write(intBytes(length));
                out.write(body);
                if (in.available() == 0) {
                    out.flush();
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** Passes the server's messages on, counting ReadyForQuery and what the exchange it ends did. */
    private void serverSide(DataInputStream in, OutputStream out) throws IOException {
        boolean started = false;
        boolean committed = false;
        boolean commandDone = false;
        char status = 'I';
        while (true) {
            int type = in.read();
            if (type < 0) {
                return;
            }
            int length = in.readInt();
            byte[] body = in.readNBytes(length - 4);
            if (type == 'C') {
                String tag = new String(body, 0, body.length - 1, StandardCharsets.US_ASCII);
                committed |= tag.equals("COMMIT");
                commandDone |= !tag.equals("BEGIN") && !tag.equals("COMMIT") && !tag.equals("ROLLBACK");
            }
            if (type == 'Z') {
                char now = (char) body[0];
                if (started) {
                    roundTrips.incrementAndGet();
                    if (committed) {
                        commits.incrementAndGet();
                    } else if (commandDone && status == 'I' && now == 'I') {
                        autocommits.incrementAndGet();
                    }
                }
                started = true; // the first one ends the start-up exchange
                status = now;
                committed = false;
                commandDone = false;
            }
            out.write(type);
            out.write(intBytes(length));
            out.write(body);
            if (in.available() == 0) {
                out.flush();
            }
        }
    }

    private static byte[] intBytes(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    private static void daemon(Runnable work) {
        Thread thread = new Thread(work, "counting-proxy");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
