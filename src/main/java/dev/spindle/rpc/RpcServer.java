package dev.spindle.rpc;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.NamedThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Accepts connections, authenticates each on a handshake thread, then reads each connection on its own thread.
 * Before authentication a peer is bounded: at most {@link RpcSettings#maxUnauthenticated} connections wait for
 * authentication at once (the handshake threads are that many at most; further connections are told the server is
 * busy and closed at once), each for at most {@code spindle.rpc.handshakeTimeout} in all, and none holds more than
 * the few bytes of the handshake: buffers and a reader thread come only with authentication.
 *
 * <p>Thread per connection rather than NIO or Netty: a driver talks to tens or hundreds of executors, each over
 * one connection, which threads handle well; it keeps the code small and adds no dependency.
 */
public final class RpcServer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(RpcServer.class);
    /** Handshake threads are named this, the port, and a number. */
    static final String HANDSHAKE_THREAD_PREFIX = "spindle-rpc-handshake-";

    private final ServerSocket serverSocket;
    /** The secrets a client may prove it knows: one application's, or every application a shared service serves. */
    private final Supplier<Collection<AppSecret>> secrets;
    private final RpcSettings settings;
    private final RpcHandler handler;
    private final IntFunction<byte[]> frameBuffers;
    private final ThreadPoolExecutor handshakes;
    /** One permit per connection that may wait for authentication; the accept thread takes, the handshake returns. */
    private final Semaphore handshakeSlots;
    private final Set<RpcConnection> connections = ConcurrentHashMap.newKeySet();
    /** Sockets in the handshake, closed with the server (a blocked read ignores interrupts). */
    private final Set<Socket> unauthenticated = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    /** The accept thread's: whether the last connection was refused as excess (to log a flood once, not per peer). */
    private boolean refusing;

    private RpcServer(ServerSocket serverSocket, Supplier<Collection<AppSecret>> secrets, RpcSettings settings,
            RpcHandler handler, IntFunction<byte[]> frameBuffers) {
        this.serverSocket = serverSocket;
        this.secrets = secrets;
        this.settings = settings;
        this.handler = handler;
        this.frameBuffers = frameBuffers;
        int slots = settings.maxUnauthenticated();
        this.handshakeSlots = new Semaphore(slots);
        // At most one thread per slot; idle ones end, so a quiet server keeps none.
        this.handshakes = new ThreadPoolExecutor(slots, slots, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new NamedThreadFactory(HANDSHAKE_THREAD_PREFIX + serverSocket.getLocalPort(), true));
        this.handshakes.allowCoreThreadTimeOut(true);
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
        return bind(bindHost, port, false);
    }

    /**
     * As {@link #bind}, for a block server: its connections' sockets are channels, so that file segments go out with
     * {@link java.nio.channels.FileChannel#transferTo} rather than through the heap. Only for servers whose
     * connections are written by their own threads: a thread interrupted while writing to a channel closes it.
     */
    public static BoundPort bindForFiles(String bindHost, int port) {
        return bind(bindHost, port, true);
    }

    private static BoundPort bind(String bindHost, int port, boolean channels) {
        requireNonNull(bindHost, "bindHost is null");
        try {
            ServerSocket socket = channels ? java.nio.channels.ServerSocketChannel.open().socket() : new ServerSocket();
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
        return start(bound, secret, settings, handler, byte[]::new);
    }

    /** As {@link #start(BoundPort, AppSecret, RpcSettings, RpcHandler)}, frame payloads coming from {@code frameBuffers}. */
    static RpcServer start(BoundPort bound, AppSecret secret, RpcSettings settings, RpcHandler handler,
            IntFunction<byte[]> frameBuffers) {
        requireNonNull(secret, "secret is null");
        List<AppSecret> only = List.of(secret);
        return start(bound, () -> only, settings, handler, frameBuffers);
    }

    /**
     * Serves clients of several applications on {@code bound}: a client must know one of {@code secrets} (asked
     * anew at each connection), and its connection remembers which ({@link RpcConnection#authenticatedWith}).
     */
    public static RpcServer startShared(BoundPort bound, Supplier<Collection<AppSecret>> secrets,
            RpcSettings settings, RpcHandler handler) {
        return start(bound, secrets, settings, handler, byte[]::new);
    }

    private static RpcServer start(BoundPort bound, Supplier<Collection<AppSecret>> secrets, RpcSettings settings,
            RpcHandler handler, IntFunction<byte[]> frameBuffers) {
        requireNonNull(bound, "bound is null");
        requireNonNull(secrets, "secrets is null");
        requireNonNull(settings, "settings is null");
        requireNonNull(handler, "handler is null");
        requireNonNull(frameBuffers, "frameBuffers is null");
        RpcServer server = new RpcServer(bound.socket, secrets, settings, handler, frameBuffers);
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
            if (!handshakeSlots.tryAcquire()) {
                refuseExcess(socket);
                continue;
            }
            refusing = false;
            unauthenticated.add(socket);
            try {
                handshakes.execute(() -> {
                    try {
                        authenticate(socket);
                    } finally {
                        unauthenticated.remove(socket);
                        handshakeSlots.release();
                    }
                });
            } catch (RejectedExecutionException e) {
                unauthenticated.remove(socket);
                handshakeSlots.release();
                RpcConnection.closeQuietly(socket);
            }
        }
    }

    /** Closes a connection beyond the limit at once, telling the peer to try again (Spindle's clients do). */
    private void refuseExcess(Socket socket) {
        if (!refusing) {
            refusing = true;
            LOG.warn("RPC server on port {}: {} connections are already waiting for authentication "
                    + "(spindle.rpc.maxUnauthenticatedConnections); closing further ones until some authenticate or "
                    + "time out after spindle.rpc.handshakeTimeout={} ms", port(), settings.maxUnauthenticated(),
                    settings.handshakeTimeoutMillis());
        }
        try {
            Handshake.refuseBusy(socket);
        } catch (IOException e) {
            LOG.debug("Refusing {}: {}", socket.getRemoteSocketAddress(), e.toString());
        }
        RpcConnection.closeQuietly(socket);
    }

    private void authenticate(Socket socket) {
        RpcConnection connection = RpcConnection.accept(socket, secrets.get(), settings, frameBuffers);
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
        unauthenticated.forEach(RpcConnection::closeQuietly);
        for (RpcConnection connection : connections()) {
            connection.close();
        }
    }
}
