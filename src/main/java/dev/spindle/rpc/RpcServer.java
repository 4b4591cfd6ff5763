package dev.spindle.rpc;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.NamedThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Accepts connections, authenticates each on a handshake thread (a slow or hostile peer holds only that thread,
 * and only up to {@code spindle.rpc.handshakeTimeout}), then reads each connection on its own thread.
 *
 * <p>Thread per connection rather than NIO or Netty: a driver talks to tens or hundreds of executors, each over
 * one connection, which threads handle well; it keeps the code small and adds no dependency.
 */
public final class RpcServer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(RpcServer.class);

    private final ServerSocket serverSocket;
    private final AppSecret secret;
    private final RpcSettings settings;
    private final RpcHandler handler;
    private final ExecutorService handshakes =
            Executors.newCachedThreadPool(new NamedThreadFactory("spindle-rpc-handshake", true));
    private final Set<RpcConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private RpcServer(ServerSocket serverSocket, AppSecret secret, RpcSettings settings, RpcHandler handler) {
        this.serverSocket = serverSocket;
        this.secret = secret;
        this.settings = settings;
        this.handler = handler;
    }

    /**
     * A listening socket that accepts nothing yet: a process can learn and publish its port (the ApplicationMaster
     * registers it with the ResourceManager) before it is ready to serve. {@link #start(BoundPort, AppSecret,
     * RpcSettings, RpcHandler)} takes it over; closing an unused one frees the port.
     */
    public static final class BoundPort implements AutoCloseable {
        private final ServerSocket socket;

        private BoundPort(ServerSocket socket) {
            this.socket = socket;
        }

        public int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                LOG.debug("Closing unused server socket: {}", e.toString());
            }
        }
    }

    /** Binds {@code bindHost:port} ({@code port} 0 picks a free one); connections wait in the backlog. */
    public static BoundPort bind(String bindHost, int port) {
        requireNonNull(bindHost, "bindHost is null");
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(bindHost), port), 128);
            return new BoundPort(socket);
        } catch (IOException e) {
            throw new RpcException("cannot listen on " + bindHost + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** Listens on {@code bindHost:port} ({@code port} 0 picks a free one). */
    public static RpcServer start(String bindHost, int port, AppSecret secret, RpcSettings settings,
            RpcHandler handler) {
        return start(bind(bindHost, port), secret, settings, handler);
    }

    /** Serves connections on {@code bound}, which the server now owns. */
    public static RpcServer start(BoundPort bound, AppSecret secret, RpcSettings settings, RpcHandler handler) {
        requireNonNull(bound, "bound is null");
        requireNonNull(secret, "secret is null");
        requireNonNull(settings, "settings is null");
        requireNonNull(handler, "handler is null");
        RpcServer server = new RpcServer(bound.socket, secret, settings, handler);
        new NamedThreadFactory("spindle-rpc-accept", true).newThread(server::acceptLoop).start();
        LOG.info("RPC server listening on {}", bound.socket.getLocalSocketAddress());
        return server;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** Open, authenticated connections. */
    public List<RpcConnection> connections() {
        return new ArrayList<>(connections);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.error("RPC server stopped accepting connections: {}", e.toString());
                }
                return;
            }
            try {
                handshakes.execute(() -> authenticate(socket));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                closeQuietly(socket);
            }
        }
    }

    private void authenticate(Socket socket) {
        RpcConnection connection = RpcConnection.accept(socket, secret, settings);
        if (connection == null) {
            return;
        }
        connections.add(connection);
        if (closed) {
            connection.close();
            return;
        }
        connection.start(new RpcHandler() {
            @Override
            public void onMessage(RpcConnection c, dev.spindle.rpc.message.RpcMessage message) {
                handler.onMessage(c, message);
            }

            @Override
            public void onClose(RpcConnection c, String reason) {
                connections.remove(c);
                handler.onClose(c, reason);
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException e) {
            LOG.debug("Closing server socket: {}", e.toString());
        }
        handshakes.shutdownNow();
        for (RpcConnection connection : connections()) {
            connection.close();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("Closing socket: {}", e.toString());
        }
    }
}
