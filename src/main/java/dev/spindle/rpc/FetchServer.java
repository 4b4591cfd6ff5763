package dev.spindle.rpc;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.FileSegmentStream;
import dev.spindle.common.NamedThreadFactory;
import dev.spindle.rpc.message.FetchCancel;
import dev.spindle.rpc.message.FetchChunk;
import dev.spindle.rpc.message.FetchCredit;
import dev.spindle.rpc.message.FetchRequest;
import dev.spindle.rpc.message.RpcMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The serving side of {@link FetchRequest}s: opens each requested block through a {@link BlockSource} and streams
 * it back in chunks on a small pool of threads, so that a slow disk never stalls the connection's reader thread
 * (which also carries heartbeats and status updates).
 *
 * <p>Each fetch sends only as many chunks as its requester granted (the request's window, then its
 * {@link FetchCredit}s). A fetch whose credit is used up holds no thread: it waits, with its block open, until
 * credit comes or the requester cancels or leaves. A pool thread sends a few chunks of one fetch and then lets the
 * next fetch have a turn, so a large block does not hold back small ones.
 */
public final class FetchServer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(FetchServer.class);
    /** Chunks one fetch sends per turn on a pool thread. */
    private static final int CHUNKS_PER_TURN = 4;

    /** Where the served blocks come from. */
    @FunctionalInterface
    public interface BlockSource {
        /** The block {@code request} names; the message of an exception goes back to the requester. */
        InputStream open(FetchRequest request) throws IOException;

        /** As {@link #open(FetchRequest)}, for a source that serves each client its own blocks. */
        default InputStream open(RpcConnection connection, FetchRequest request) throws IOException {
            return open(request);
        }
    }

    private final BlockSource source;
    private final ExecutorService pool;
    private final ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[BlockSending.CHUNK_BYTES]);
    private final Map<RpcConnection, Map<Long, Outgoing>> open = new ConcurrentHashMap<>();
    /** Chunks sent from a file straight to the socket, for tests and diagnostics. */
    private final java.util.concurrent.atomic.AtomicLong fileChunks = new java.util.concurrent.atomic.AtomicLong();

    public FetchServer(String name, int threads, BlockSource source) {
        this.source = requireNonNull(source, "source is null");
        this.pool = Executors.newFixedThreadPool(threads, new NamedThreadFactory(name, true));
    }

    /** Serves {@code message} when it is a fetch request, credit or cancel; false for every other message. */
    public boolean accept(RpcConnection connection, RpcMessage message) {
        Object body = message.getBody();
        if (body instanceof FetchRequest request) {
            Outgoing outgoing = new Outgoing(connection, request);
            Outgoing earlier = open.computeIfAbsent(connection, c -> new ConcurrentHashMap<>())
                    .putIfAbsent(request.getRequestId(), outgoing);
            if (earlier != null) {
                BlockSending.fail(connection, request.getRequestId(), "request id " + request.getRequestId()
                        + " is already being served on this connection");
                return true;
            }
            outgoing.grant(Math.max(1, request.getWindow()));
        } else if (body instanceof FetchCredit credit) {
            Outgoing outgoing = find(connection, credit.getRequestId());
            if (outgoing != null && credit.getChunks() > 0) {
                outgoing.grant(credit.getChunks());
            }
        } else if (body instanceof FetchCancel cancel) {
            Outgoing outgoing = find(connection, cancel.getRequestId());
            if (outgoing != null) {
                outgoing.cancel();
            }
        } else {
            return false;
        }
        return true;
    }

    /** Ends the fetches of a connection that closed, releasing their blocks. */
    public void closed(RpcConnection connection) {
        Map<Long, Outgoing> fetches = open.remove(connection);
        if (fetches != null) {
            fetches.values().forEach(Outgoing::cancel);
        }
    }

    /** Chunks sent from a file to the socket without a copy through the heap, for tests and diagnostics. */
    public long fileChunks() {
        return fileChunks.get();
    }

    /** Fetches being served (open blocks), for tests and diagnostics. */
    public int openFetches() {
        return open.values().stream().mapToInt(Map::size).sum();
    }

    private Outgoing find(RpcConnection connection, long requestId) {
        Map<Long, Outgoing> fetches = open.get(connection);
        return fetches == null ? null : fetches.get(requestId);
    }

    /** One fetch being served: its block, opened on first turn, and the chunks it may still send. */
    private final class Outgoing {
        private final RpcConnection connection;
        private final FetchRequest request;
        private InputStream data;
        private int credit;
        /** A turn is queued or running on the pool; only that turn touches {@link #data}. */
        private boolean scheduled;
        private boolean done;

        Outgoing(RpcConnection connection, FetchRequest request) {
            this.connection = connection;
            this.request = request;
        }

        void grant(int chunks) {
            synchronized (this) {
                if (done) {
                    return;
                }
                credit += chunks;
                if (scheduled) {
                    return;
                }
                scheduled = true;
            }
            schedule();
        }

        void cancel() {
            boolean closeHere;
            synchronized (this) {
                closeHere = !done && !scheduled;
                done = true;
            }
            if (closeHere) {
                finish();
            }
        }

        private void schedule() {
            try {
                pool.execute(this::turn);
            } catch (RejectedExecutionException e) {
                synchronized (this) {
                    done = true;
                }
                sendFailure("the block server is stopping");
                finish();
            }
        }

        /**
         * Sends up to {@link #CHUNKS_PER_TURN} chunks, then queues another turn while credit remains; with no credit
         * left the fetch waits, holding no thread, for {@link #grant}.
         */
        private void turn() {
            String failure = null;
            boolean over = false;
            try {
                if (data == null) {
                    data = source.open(connection, request);
                }
                for (int sent = 0; !over && sent < CHUNKS_PER_TURN; sent++) {
                    synchronized (this) {
                        if (done) {
                            break;
                        }
                        if (credit == 0) {
                            scheduled = false;
                            return;
                        }
                        credit--;
                    }
                    over = sendChunk();
                }
            } catch (RpcException e) {
                LOG.debug("Stopped sending {} to {}: {}", request, connection.peer(), e.getMessage());
                over = true;
            } catch (IOException | RuntimeException e) {
                LOG.debug("Cannot serve {} to {}: {}", request, connection.peer(), e.toString());
                failure = (data == null ? "" : "cannot read the block: ")
                        + (e.getMessage() == null ? e.toString() : e.getMessage());
            }
            if (failure != null) {
                sendFailure(failure);
            }
            boolean again;
            synchronized (this) {
                done |= over || failure != null;
                again = !done; // when done, this turn still owns the block and closes it
            }
            if (again) {
                schedule();
            } else {
                finish();
            }
        }

        /** Sends the next chunk; true when it was the last. */
        private boolean sendChunk() throws IOException {
            // Under the frame limit, or the chunk could not go and the fetch would wait for spindle.network.timeout.
            int chunk = Math.min(BlockSending.CHUNK_BYTES,
                    connection.maxFrameBytes() - BlockSending.CHUNK_OVERHEAD_BYTES);
            if (data instanceof FileSegmentStream segment && connection.sendsFiles()) {
                // Shuffle segments go from the file to the socket without a copy through the heap.
                int n = (int) Math.min(chunk, segment.remaining());
                boolean last = n < chunk;
                connection.sendFileChunk(request.getRequestId(), segment.file(), segment.position(), n, last);
                segment.advance(n);
                fileChunks.incrementAndGet();
                return last;
            }
            byte[] buffer = buffers.get();
            int n = data.readNBytes(buffer, 0, chunk);
            boolean last = n < chunk;
            connection.send(FetchChunk.newBuilder().setRequestId(request.getRequestId())
                    .setData(ByteBuffer.wrap(buffer, 0, n)).setLast(last).build());
            return last;
        }

        private void sendFailure(String message) {
            try {
                BlockSending.fail(connection, request.getRequestId(), message);
            } catch (RpcException e) {
                LOG.debug("Cannot report a failed fetch to {}: {}", connection.peer(), e.getMessage());
            }
        }

        /** Forgets this fetch and closes its block. */
        private void finish() {
            Map<Long, Outgoing> fetches = open.get(connection);
            if (fetches != null) {
                fetches.remove(request.getRequestId(), this);
            }
            if (data != null) {
                try {
                    data.close();
                } catch (IOException e) {
                    LOG.debug("Cannot close a served block of {}: {}", request, e.toString());
                }
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        open.keySet().forEach(this::closed);
    }
}
