package dev.spindle.rpc;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.NamedThreadFactory;
import dev.spindle.rpc.message.RpcMessage;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One authenticated connection: sends {@link RpcMessage}s from any thread, and reads them on its own thread,
 * handing each to the {@link RpcHandler}. A frame that is too large, truncated or not a valid message closes the
 * connection (logged), and affects no other connection.
 */
public final class RpcConnection implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(RpcConnection.class);
    private static final NamedThreadFactory READERS = new NamedThreadFactory("spindle-rpc-reader", true);

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final RpcSettings settings;
    private final String peer;
    private final SpecificDatumWriter<RpcMessage> writer = new SpecificDatumWriter<>(RpcMessage.class);
    private final SpecificDatumReader<RpcMessage> reader = new SpecificDatumReader<>(RpcMessage.class);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile RpcHandler handler;
    private volatile Object attachment;
    private BinaryEncoder encoder;
    private BinaryDecoder decoder;

    private RpcConnection(Socket socket, RpcSettings settings) throws IOException {
        this.socket = socket;
        this.settings = settings;
        this.peer = String.valueOf(socket.getRemoteSocketAddress());
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
    }

    /** Connects to an RPC server and authenticates; the handler receives the server's messages. */
    public static RpcConnection connect(String host, int port, AppSecret secret, RpcSettings settings,
            RpcHandler handler) {
        requireNonNull(secret, "secret is null");
        requireNonNull(handler, "handler is null");
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), settings.connectTimeoutMillis());
            socket.setSoTimeout(settings.handshakeTimeoutMillis());
            RpcConnection connection = new RpcConnection(socket, settings);
            Handshake.connect(connection.in, connection.out, secret, host + ":" + port);
            socket.setSoTimeout(0);
            connection.start(handler);
            return connection;
        } catch (RpcException e) {
            closeQuietly(socket);
            throw e;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new RpcException("cannot connect to " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** Server side: authenticates an accepted socket; null (socket closed, refusal logged) when that fails. */
    static RpcConnection accept(Socket socket, AppSecret secret, RpcSettings settings) {
        String peer = String.valueOf(socket.getRemoteSocketAddress());
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(settings.handshakeTimeoutMillis());
            RpcConnection connection = new RpcConnection(socket, settings);
            if (!Handshake.accept(connection.in, connection.out, secret)) {
                LOG.warn("Refused connection from {}: authentication failed (wrong or missing application secret)",
                        peer);
                closeQuietly(socket);
                return null;
            }
            socket.setSoTimeout(0);
            return connection;
        } catch (SocketTimeoutException e) {
            LOG.warn("Refused connection from {}: no authentication within {} ms (spindle.rpc.handshakeTimeout)",
                    peer, settings.handshakeTimeoutMillis());
        } catch (IOException e) {
            LOG.warn("Refused connection from {}: it broke off authentication ({})", peer, e.toString());
        }
        closeQuietly(socket);
        return null;
    }

    /** Starts the reader thread; messages go to {@code handler}. */
    void start(RpcHandler handler) {
        this.handler = handler;
        READERS.newThread(this::readLoop).start();
    }

    public String peer() {
        return peer;
    }

    /** Application state tied to this connection (for example the executor id it registered). */
    public Object attachment() {
        return attachment;
    }

    public void attach(Object value) {
        this.attachment = value;
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /** Sends a message ({@code body} is one of the records of the {@link RpcMessage} union). */
    public void send(SpecificRecord body) {
        requireNonNull(body, "body is null");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        synchronized (writer) {
            try {
                encoder = EncoderFactory.get().directBinaryEncoder(bytes, encoder);
                writer.write(RpcMessage.newBuilder().setBody(body).build(), encoder);
                encoder.flush();
            } catch (IOException | AvroRuntimeException e) {
                throw new RpcException("cannot encode " + body.getClass().getSimpleName() + ": " + e.getMessage(), e);
            }
        }
        byte[] payload = bytes.toByteArray();
        if (payload.length > settings.maxFrameBytes()) {
            throw new RpcException(body.getClass().getSimpleName() + " of " + payload.length + " bytes exceeds "
                    + "spindle.rpc.maxFrameSize=" + settings.maxFrameBytes());
        }
        synchronized (out) {
            if (closed.get()) {
                throw new RpcException("connection to " + peer + " is closed");
            }
            try {
                Frames.write(out, payload);
            } catch (IOException e) {
                close("send failed: " + e.getMessage());
                throw new RpcException("cannot send to " + peer + ": " + e.getMessage(), e);
            }
        }
    }

    private void readLoop() {
        String reason = "closed by the peer";
        try {
            while (!closed.get()) {
                byte[] frame = Frames.read(in, settings.maxFrameBytes());
                if (frame == null) {
                    break;
                }
                RpcMessage message;
                try {
                    decoder = DecoderFactory.get().binaryDecoder(frame, decoder);
                    message = reader.read(null, decoder);
                } catch (IOException | RuntimeException e) {
                    reason = "malformed message (" + e + ")";
                    LOG.warn("Closing connection from {}: {}", peer, reason);
                    break;
                }
                handler.onMessage(this, message);
            }
        } catch (Frames.FrameException e) {
            reason = e.getMessage();
            LOG.warn("Closing connection from {}: {}", peer, reason);
        } catch (IOException e) {
            reason = closed.get() ? "closed" : "read failed: " + e.getMessage();
        } catch (RuntimeException e) {
            reason = "handler failed: " + e;
            LOG.error("Closing connection from {}: the message handler failed", peer, e);
        }
        close(reason);
    }

    @Override
    public void close() {
        close("closed locally");
    }

    void close(String reason) {
        if (closed.compareAndSet(false, true)) {
            closeQuietly(socket);
            RpcHandler h = handler;
            if (h != null) {
                h.onClose(this, reason);
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("Closing socket: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "RpcConnection[" + peer + "]";
    }
}
