package dev.spindle.rpc;

import static java.util.Objects.requireNonNull;

import dev.spindle.rpc.message.FetchCancel;
import dev.spindle.rpc.message.FetchChunk;
import dev.spindle.rpc.message.FetchCredit;
import dev.spindle.rpc.message.FetchError;
import dev.spindle.rpc.message.FetchRequest;
import dev.spindle.rpc.message.RpcMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The requesting side of block fetches over a connection: {@link #open} sends a {@link FetchRequest} and returns a
 * stream of the chunks that answer it; the connection's handler passes every message to {@link #accept} first.
 *
 * <p>Flow control is per fetch, so fetches never block one another nor the connection: the request grants the
 * server {@link #WINDOW} chunks, and the stream grants more ({@link FetchCredit}) as its reader consumes them. The
 * connection's reader thread only ever queues a chunk into room that was granted; a slow reader holds back its own
 * fetch alone. Closing a stream early cancels the fetch ({@link FetchCancel}).
 */
public final class BlockFetches {
    /** Chunks buffered per fetch: the request's window. */
    static final int WINDOW = 8;
    /** Consumed chunks returned to the server at once. */
    private static final int CREDIT_BATCH = WINDOW / 2;
    private static final Object END = new Object();

    private final Map<Long, BlockingQueue<Object>> pending = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();
    private final long timeoutMillis;

    /** {@code timeoutMillis}: how long a fetch waits for its next chunk before it fails. */
    public BlockFetches(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    /** Sends {@code request} (its request id is assigned here) and returns the block's bytes as a stream. */
    public InputStream open(RpcConnection connection, FetchRequest.Builder request) {
        requireNonNull(connection, "connection is null");
        long id = nextId.incrementAndGet();
        // Room for the window, the end marker and an error: the reader thread's offer never waits.
        BlockingQueue<Object> chunks = new ArrayBlockingQueue<>(WINDOW + 2);
        pending.put(id, chunks);
        try {
            connection.send(request.setRequestId(id).setWindow(WINDOW).build());
        } catch (RuntimeException e) {
            pending.remove(id);
            throw e;
        }
        return new ChunkStream(id, chunks, connection);
    }

    /**
     * Consumes {@code message} when it answers a fetch; false for every other message. Never blocks: a server that
     * sends past the granted window fails that fetch.
     */
    public boolean accept(RpcMessage message) throws InterruptedException {
        Object body = message.getBody();
        if (body instanceof FetchChunk chunk) {
            long id = chunk.getRequestId();
            BlockingQueue<Object> chunks = pending.get(id);
            if (chunks == null) {
                return true; // the reader closed the fetch; the server stops at our cancel
            }
            if (chunks.remainingCapacity() <= 2 || !chunks.offer(chunk.getData())) {
                fail(id, "the block server sent more than the " + WINDOW + " chunks granted");
            } else if (chunk.getLast()) {
                pending.remove(id);
                chunks.offer(END);
            }
            return true;
        }
        if (body instanceof FetchError error) {
            fail(error.getRequestId(), error.getMessage());
            return true;
        }
        return false;
    }

    private void fail(long id, String message) {
        BlockingQueue<Object> chunks = pending.remove(id);
        if (chunks != null) {
            chunks.clear();
            chunks.offer(new IOException(message));
        }
    }

    /** Fails every open fetch: the connection closed. */
    public void failAll(String reason) {
        for (Long id : pending.keySet()) {
            fail(id, reason);
        }
    }

    /** Open fetches, for tests and diagnostics. */
    public int pendingFetches() {
        return pending.size();
    }

    private final class ChunkStream extends InputStream {
        private final long id;
        private final BlockingQueue<Object> chunks;
        private final RpcConnection connection;
        private final String peer;
        private ByteBuffer current = ByteBuffer.allocate(0);
        private boolean ended;
        /** Chunks taken since credit was last returned. */
        private int consumed;

        ChunkStream(long id, BlockingQueue<Object> chunks, RpcConnection connection) {
            this.id = id;
            this.chunks = chunks;
            this.connection = connection;
            this.peer = connection.peer();
        }

        private boolean fill() throws IOException {
            while (!current.hasRemaining()) {
                if (ended) {
                    return false;
                }
                Object next;
                try {
                    next = chunks.poll(timeoutMillis, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while fetching a block from " + peer, e);
                }
                if (next == null) {
                    throw new IOException("no data from " + peer + " for " + timeoutMillis + " ms while fetching a block");
                }
                if (next == END) {
                    ended = true;
                } else if (next instanceof IOException e) {
                    ended = true;
                    throw new IOException("fetch from " + peer + " failed: " + e.getMessage(), e);
                } else {
                    current = (ByteBuffer) next;
                    returnCredit();
                }
            }
            return true;
        }

        private void returnCredit() {
            if (++consumed < CREDIT_BATCH) {
                return;
            }
            try {
                connection.send(FetchCredit.newBuilder().setRequestId(id).setChunks(consumed).build());
                consumed = 0;
            } catch (RpcException e) {
                // The connection is gone: failAll reports it to this stream once its chunks run out.
            }
        }

        @Override
        public int read() throws IOException {
            return fill() ? current.get() & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, current.remaining());
            current.get(b, off, n);
            return n;
        }

        @Override
        public void close() {
            if (!ended) {
                ended = true;
                if (pending.remove(id) != null) {
                    try {
                        connection.send(FetchCancel.newBuilder().setRequestId(id).build());
                    } catch (RpcException e) {
                        // The connection is gone, and with it the server's side of this fetch.
                    }
                }
                chunks.clear();
            }
        }
    }
}
