package dev.spindle.rpc;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.NamedThreadFactory;
import dev.spindle.rpc.message.FetchRequest;
import dev.spindle.rpc.message.RpcMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The serving side of {@link FetchRequest}s: opens each requested block through a {@link BlockSource} and streams
 * it back in chunks on a small pool of threads, so that a slow disk or a slow reader never stalls the connection's
 * reader thread (which also carries heartbeats and status updates).
 */
public final class FetchServer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(FetchServer.class);

    /** Where the served blocks come from. */
    @FunctionalInterface
    public interface BlockSource {
        /** The block {@code request} names; the message of an exception goes back to the requester. */
        InputStream open(FetchRequest request) throws IOException;
    }

    private final BlockSource source;
    private final ExecutorService pool;

    public FetchServer(String name, int threads, BlockSource source) {
        this.source = requireNonNull(source, "source is null");
        this.pool = Executors.newFixedThreadPool(threads, new NamedThreadFactory(name, true));
    }

    /** Serves {@code message} when it is a fetch request; false for every other message. */
    public boolean accept(RpcConnection connection, RpcMessage message) {
        if (!(message.getBody() instanceof FetchRequest request)) {
            return false;
        }
        try {
            pool.execute(() -> serve(connection, request));
        } catch (RejectedExecutionException e) {
            BlockSending.fail(connection, request.getRequestId(), "the block server is stopping");
        }
        return true;
    }

    private void serve(RpcConnection connection, FetchRequest request) {
        InputStream data;
        try {
            data = source.open(request);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot serve {} to {}: {}", request, connection.peer(), e.toString());
            sendFailure(connection, request, e.getMessage() == null ? e.toString() : e.getMessage());
            return;
        }
        try {
            BlockSending.send(connection, request.getRequestId(), data);
        } catch (RpcException e) {
            LOG.debug("Stopped sending {} to {}: {}", request, connection.peer(), e.getMessage());
        }
    }

    private static void sendFailure(RpcConnection connection, FetchRequest request, String message) {
        try {
            BlockSending.fail(connection, request.getRequestId(), message);
        } catch (RpcException e) {
            LOG.debug("Cannot report a failed fetch to {}: {}", connection.peer(), e.getMessage());
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
