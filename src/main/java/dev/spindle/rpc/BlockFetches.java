package dev.spindle.rpc;

import static java.util.Objects.requireNonNull;

import dev.spindle.rpc.message.FetchChunk;
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
 * Each open fetch buffers at most {@link #MAX_QUEUED_CHUNKS} chunks: a reader that falls behind stalls the
 * connection's reader thread instead of filling the heap.
 */
public final class BlockFetches {
    static final int MAX_QUEUED_CHUNKS = 16;
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
        BlockingQueue<Object> chunks = new ArrayBlockingQueue<>(MAX_QUEUED_CHUNKS + 1);
        pending.put(id, chunks);
        try {
            connection.send(request.setRequestId(id).build());
        } catch (RuntimeException e) {
            pending.remove(id);
            throw e;
        }
        return new ChunkStream(id, chunks, connection.peer());
    }

    /** Consumes {@code message} when it answers a fetch; false for every other message. */
    public boolean accept(RpcMessage message) throws InterruptedException {
        Object body = message.getBody();
        if (body instanceof FetchChunk chunk) {
            BlockingQueue<Object> chunks = pending.get(chunk.getRequestId());
            if (chunks != null) {
                chunks.put(chunk.getData());
                if (chunk.getLast()) {
                    pending.remove(chunk.getRequestId());
                    chunks.put(END);
                }
            }
            return true;
        }
        if (body instanceof FetchError error) {
            BlockingQueue<Object> chunks = pending.remove(error.getRequestId());
            if (chunks != null) {
                chunks.clear();
                chunks.put(new IOException(error.getMessage()));
            }
            return true;
        }
        return false;
    }

    /** Fails every open fetch: the connection closed. */
    public void failAll(String reason) {
        for (Long id : pending.keySet()) {
            BlockingQueue<Object> chunks = pending.remove(id);
            if (chunks != null) {
                chunks.clear();
                chunks.offer(new IOException(reason));
            }
        }
    }

    /** Open fetches, for tests and diagnostics. */
    public int pendingFetches() {
        return pending.size();
    }

    private final class ChunkStream extends InputStream {
        private final long id;
        private final BlockingQueue<Object> chunks;
        private final String peer;
        private ByteBuffer current = ByteBuffer.allocate(0);
        private boolean ended;

        ChunkStream(long id, BlockingQueue<Object> chunks, String peer) {
            this.id = id;
            this.chunks = chunks;
            this.peer = peer;
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
                }
            }
            return true;
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
                pending.remove(id);
                chunks.clear();
            }
        }
    }
}
