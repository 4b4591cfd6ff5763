package dev.spindle.rpc;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.NamedThreadFactory;
import dev.spindle.rpc.message.FetchChunk;
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
import java.nio.channels.FileChannel;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
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
    /** Writes queued messages ({@link #sendAsync}): threads come and go with the load. */
    private static final java.util.concurrent.ExecutorService WRITERS = java.util.concurrent.Executors
            .newCachedThreadPool(new NamedThreadFactory("spindle-rpc-writer", true));
    private static final int BUFFER_BYTES = 64 * 1024;
    /** The union of {@link RpcMessage}'s body: every message type. */
    private static final org.apache.avro.Schema BODY_UNION = RpcMessage.getClassSchema().getField("body").schema();
    /** The branch of {@link FetchChunk} in the union of {@link RpcMessage}'s body. */
    private static final int FETCH_CHUNK_BRANCH = BODY_UNION.getIndexNamed(FetchChunk.getClassSchema().getFullName());
    private static final long FIRST_BUSY_PAUSE_MILLIS = 20;
    private static final long MAX_BUSY_PAUSE_MILLIS = 1_000;

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final RpcSettings settings;
    /** Where frame payloads are allocated: {@code byte[]::new}, or a test's counting seam. */
    private final IntFunction<byte[]> frameBuffers;
    private final String peer;
    private final Object encoderLock = new Object();
    private final SpecificDatumReader<RpcMessage> reader = new SpecificDatumReader<>(RpcMessage.class);
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Frames to write, in the order they were sent; guarded by itself. */
    private final java.util.ArrayDeque<byte[]> outbox = new java.util.ArrayDeque<>();
    /** A writer thread will drain {@link #outbox}; guarded by {@link #outbox}. */
    private boolean drainScheduled;
    private volatile RpcHandler handler;
    private volatile Object attachment;
    private volatile AppSecret authenticatedWith;
    private BinaryEncoder encoder;
    /** The reader thread's: no length or count inside a frame may claim more than the frame. */
    private final FrameDecoder decoder = new FrameDecoder();

    /** Wraps an authenticated socket: the buffers exist only from here on, never for an unauthenticated peer. */
    private RpcConnection(Socket socket, RpcSettings settings, IntFunction<byte[]> frameBuffers) throws IOException {
        this.socket = socket;
        this.settings = settings;
        this.frameBuffers = frameBuffers;
        this.peer = String.valueOf(socket.getRemoteSocketAddress());
        socket.setSoTimeout(0);
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), BUFFER_BYTES));
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), BUFFER_BYTES));
    }

    /**
     * Connects to an RPC server and authenticates; the handler receives the server's messages. A server that is at
     * its limit of unauthenticated connections is tried again, with growing pauses, for up to
     * {@code spindle.rpc.connectTimeout}.
     */
    public static RpcConnection connect(String host, int port, AppSecret secret, RpcSettings settings,
            RpcHandler handler) {
        requireNonNull(secret, "secret is null");
        requireNonNull(handler, "handler is null");
        String address = host + ":" + port;
        long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.connectTimeoutMillis());
        long pauseMillis = FIRST_BUSY_PAUSE_MILLIS;
        while (true) {
            RpcConnection connection = tryConnect(host, port, secret, settings);
            if (connection != null) {
                connection.start(handler);
                return connection;
            }
            if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMillis) - giveUp > 0) {
                throw new RpcException(address + " kept refusing the connection for " + settings.connectTimeoutMillis()
                        + " ms (spindle.rpc.connectTimeout): it has as many unauthenticated connections open as "
                        + "spindle.rpc.maxUnauthenticatedConnections allows; is something flooding it?");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RpcException("interrupted while connecting to " + address, e);
            }
            pauseMillis = Math.min(2 * pauseMillis, MAX_BUSY_PAUSE_MILLIS);
        }
    }

    /** One attempt: an authenticated connection, or null when the server was busy. */
    private static RpcConnection tryConnect(String host, int port, AppSecret secret, RpcSettings settings) {
        String address = host + ":" + port;
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), settings.connectTimeoutMillis());
            if (!Handshake.connect(socket, secret, address, deadline(settings))) {
                closeQuietly(socket);
                return null;
            }
            return new RpcConnection(socket, settings, byte[]::new);
        } catch (RpcException e) {
            closeQuietly(socket);
            throw e;
        } catch (SocketTimeoutException e) {
            closeQuietly(socket);
            throw new RpcException("cannot connect to " + address + ": no complete authentication within "
                    + settings.handshakeTimeoutMillis() + " ms (spindle.rpc.handshakeTimeout)", e);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new RpcException("cannot connect to " + address + ": " + e.getMessage(), e);
        }
    }

    /**
     * Server side: authenticates an accepted socket with one of {@code secrets}; null (socket closed, refusal logged)
     * when that fails. The connection remembers the secret it was authenticated with.
     */
    static RpcConnection accept(Socket socket, Collection<AppSecret> secrets, RpcSettings settings,
            IntFunction<byte[]> frameBuffers) {
        String peer = String.valueOf(socket.getRemoteSocketAddress());
        try {
            socket.setTcpNoDelay(true);
            AppSecret secret = Handshake.accept(socket, secrets, deadline(settings));
            if (secret == null) {
                LOG.warn("Refused connection from {}: authentication failed (wrong or missing application secret)",
                        peer);
                closeQuietly(socket);
                return null;
            }
            RpcConnection connection = new RpcConnection(socket, settings, frameBuffers);
            connection.authenticatedWith = secret;
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

    /** The secret the peer proved it knows (on the server side; null on the client side). */
    public AppSecret authenticatedWith() {
        return authenticatedWith;
    }

    private static long deadline(RpcSettings settings) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.handshakeTimeoutMillis());
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

    /** The largest frame this connection sends or accepts ({@code spindle.rpc.maxFrameSize}). */
    int maxFrameBytes() {
        return settings.maxFrameBytes();
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /**
     * Sends a message ({@code body} is one of the records of the {@link RpcMessage} union). Sends from any threads are
     * written whole and in the order they return: a message sent after another's {@code send} returned arrives after
     * it, as does one sent after a {@link #sendAsync}. When it returns, the message has been written.
     *
     * @throws FrameTooLargeException when its frame exceeds {@code spindle.rpc.maxFrameSize}; nothing was sent
     * @throws RpcException when the connection is closed or the write fails (the connection is then closed)
     */
    public void send(SpecificRecord body) {
        enqueue(frame(body));
        drain();
    }

    /**
     * Sends a message without waiting for the socket: it is queued, in order with every other send on this
     * connection, and written by a writer thread, so that a peer that reads slowly (a full socket buffer) holds up
     * no caller. A write that fails later closes the connection.
     *
     * @throws FrameTooLargeException when its frame exceeds {@code spindle.rpc.maxFrameSize}; nothing was sent
     * @throws RpcException when the connection is already closed
     */
    public void sendAsync(SpecificRecord body) {
        byte[] frame = frame(body);
        boolean schedule;
        synchronized (outbox) {
            enqueue(frame);
            schedule = !drainScheduled;
            drainScheduled = true;
        }
        if (schedule) {
            WRITERS.execute(() -> {
                synchronized (outbox) {
                    drainScheduled = false;
                }
                try {
                    drain();
                } catch (RpcException e) {
                    LOG.debug("Queued messages to {} not sent: {}", peer, e.getMessage());
                }
            });
        }
    }

    /**
     * {@code body} encoded as a frame's payload, checked against the frame limit: the bytes Avro's
     * {@code SpecificDatumWriter} writes for {@code RpcMessage(body)}, the union's branch and then the record, written
     * by the record's generated encoder rather than the writer's schema-walking code, which HotSpot's C2 compiled for
     * up to 0.65 s in a driver launching tiny tasks (its recursive switch over every schema type inlines deeply).
     */
    private byte[] frame(SpecificRecord body) {
        requireNonNull(body, "body is null");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        synchronized (encoderLock) {
            try {
                encoder = encode(body, bytes, encoder);
            } catch (IOException | AvroRuntimeException e) {
                throw new RpcException("cannot encode " + body.getClass().getSimpleName() + ": " + e.getMessage(), e);
            } catch (NullPointerException e) {
                // A generated encoder meets a required field left null (only a record built without its builder can).
                throw new RpcException("cannot encode " + body.getClass().getSimpleName() + ": a field the protocol "
                        + "requires is null (" + body + ")", e);
            }
        }
        byte[] payload = bytes.toByteArray();
        if (payload.length > settings.maxFrameBytes()) {
            throw new FrameTooLargeException(body.getClass().getSimpleName(), payload.length,
                    settings.maxFrameBytes());
        }
        return payload;
    }

    private void enqueue(byte[] payload) {
        synchronized (outbox) {
            if (closed.get()) {
                throw new RpcException("connection to " + peer + " is closed");
            }
            outbox.add(payload);
        }
    }

    /**
     * Writes every queued frame, in order, then flushes once: whoever holds the stream writes what others queued
     * meanwhile too, so a burst of messages costs one system call rather than one each.
     */
    private void drain() {
        synchronized (out) {
            try {
                if (writeQueued()) {
                    out.flush();
                }
            } catch (IOException e) {
                close("send failed: " + e.getMessage());
                throw new RpcException("cannot send to " + peer + ": " + e.getMessage(), e);
            }
        }
    }

    /** Writes the queued frames, unflushed; true when there were any. Holds {@link #out}. */
    private boolean writeQueued() throws IOException {
        boolean wrote = false;
        while (true) {
            byte[] payload;
            synchronized (outbox) {
                payload = outbox.poll();
            }
            if (payload == null) {
                return wrote;
            }
            if (closed.get()) {
                throw new RpcException("connection to " + peer + " is closed");
            }
            out.writeInt(payload.length);
            out.write(payload);
            wrote = true;
        }
    }

    /**
     * True when this connection sends file bytes without copying them through the heap ({@link #sendFileChunk}):
     * its socket is a channel, as block servers' are ({@link RpcServer#bindForFiles}).
     */
    boolean sendsFiles() {
        return socket.getChannel() != null;
    }

    /**
     * Sends {@code FetchChunk(requestId, length bytes of file from position, last)} as {@link #send} would, byte for
     * byte, but the data goes from the file to the socket with {@link FileChannel#transferTo} (the kernel's
     * zero-copy path where it has one). Only on a connection that {@link #sendsFiles()}.
     *
     * @throws FrameTooLargeException when its frame exceeds {@code spindle.rpc.maxFrameSize}; nothing was sent
     * @throws RpcException when the connection is closed or the write fails (the connection is then closed)
     * @throws IOException when the file cannot be read (the connection is then closed: the frame is cut short)
     */
    void sendFileChunk(long requestId, FileChannel file, long position, int length, boolean last)
            throws IOException {
        java.nio.channels.SocketChannel channel = socket.getChannel();
        if (channel == null) {
            throw new IllegalStateException("connection to " + peer + " has no socket channel");
        }
        byte[] prefix = fetchChunkPrefix(requestId, length);
        long payload = prefix.length + (long) length + 1;
        if (payload > settings.maxFrameBytes()) {
            throw new FrameTooLargeException(FetchChunk.class.getSimpleName(),
                    (int) Math.min(payload, Integer.MAX_VALUE), settings.maxFrameBytes());
        }
        synchronized (out) {
            try {
                writeQueued();
                if (closed.get()) {
                    throw new RpcException("connection to " + peer + " is closed");
                }
                out.writeInt((int) payload);
                out.write(prefix);
                out.flush();
            } catch (IOException e) {
                close("send failed: " + e.getMessage());
                throw new RpcException("cannot send to " + peer + ": " + e.getMessage(), e);
            }
            long sent = 0;
            try {
                while (sent < length) {
                    long n = file.transferTo(position + sent, length - sent, channel);
                    if (n <= 0 && position + sent >= file.size()) {
                        throw new java.io.EOFException("the file ended " + (length - sent) + " bytes before the "
                                + "chunk's end");
                    }
                    sent += n;
                }
            } catch (IOException e) {
                // Part of the frame is out: the stream cannot go on.
                close("file send failed: " + e.getMessage());
                throw e;
            }
            try {
                out.write(last ? 1 : 0);
                out.flush();
            } catch (IOException e) {
                close("send failed: " + e.getMessage());
                throw new RpcException("cannot send to " + peer + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Writes {@code RpcMessage(body)} to {@code out} in Avro's binary encoding; returns the encoder, for reuse.
     *
     * @throws RpcException when {@code body} is not one of the protocol's messages
     */
    static BinaryEncoder encode(SpecificRecord body, java.io.OutputStream out, BinaryEncoder reuse)
            throws IOException {
        int branch = bodyBranch(body);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, reuse);
        encoder.writeIndex(branch);
        ((SpecificRecordBase) body).customEncode(encoder);
        encoder.flush();
        return encoder;
    }

    /**
     * The branch of {@code body}'s type in the union of {@link RpcMessage}'s body. Every type there is a generated
     * record with its own encoder ({@code customEncode}); a test checks that each writes what Avro's writer does.
     */
    private static int bodyBranch(SpecificRecord body) {
        Integer branch = BODY_UNION.getIndexNamed(body.getSchema().getFullName());
        if (branch == null || !(body instanceof SpecificRecordBase)) {
            throw new RpcException(body.getClass().getName() + " is not a message of Spindle's RPC protocol (a branch"
                    + " of RpcMessage's body)");
        }
        return branch;
    }

    /** The Avro encoding of an {@link RpcMessage} holding a {@link FetchChunk} up to its data's bytes. */
    private static byte[] fetchChunkPrefix(long requestId, int length) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(24);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        try {
            encoder.writeIndex(FETCH_CHUNK_BRANCH);
            encoder.writeLong(requestId);
            encoder.writeLong(length);
            encoder.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private void readLoop() {
        String reason = "closed by the peer";
        try {
            while (!closed.get()) {
                byte[] frame = Frames.read(in, settings.maxFrameBytes(), frameBuffers);
                if (frame == null) {
                    break;
                }
                RpcMessage message;
                try {
                    message = reader.read(null, decoder.reset(frame));
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
        } catch (Error e) {
            reason = "reader failed: " + e;
            throw e;
        } finally {
            close(reason);
        }
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

    static void closeQuietly(Socket socket) {
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
