package dev.spindle.shuffle;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ExecutorId;
import dev.spindle.rpc.AppSecret;
import dev.spindle.rpc.BlockFetches;
import dev.spindle.rpc.RpcConnection;
import dev.spindle.rpc.RpcException;
import dev.spindle.rpc.RpcHandler;
import dev.spindle.rpc.RpcSettings;
import dev.spindle.rpc.message.BlockKind;
import dev.spindle.rpc.message.FetchRequest;
import dev.spindle.rpc.message.RpcMessage;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Opens map outputs wherever they are: this executor's own straight from its files, every other one from that
 * executor's block server, over one authenticated connection per peer shared by this executor's tasks. A peer
 * that cannot be reached or breaks off makes the fetch fail with {@link FetchFailedException}, which sends the
 * scheduler to recompute that map output.
 */
public final class RemoteBlockFetcher implements BlockFetcher, AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(RemoteBlockFetcher.class);

    private record Peer(RpcConnection connection, BlockFetches fetches) {
    }

    private final ExecutorId self;
    private final BlockFetcher local;
    private final AppSecret secret;
    private final RpcSettings settings;
    private final long timeoutMillis;
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();

    public RemoteBlockFetcher(ExecutorId self, BlockFetcher local, AppSecret secret, RpcSettings settings,
            long timeoutMillis) {
        this.self = requireNonNull(self, "self is null");
        this.local = requireNonNull(local, "local is null");
        this.secret = requireNonNull(secret, "secret is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public InputStream open(MapStatus status, int shuffleId, int startPartition, int endPartition) {
        if (status.location().equals(self)) {
            return local.open(status, shuffleId, startPartition, endPartition);
        }
        if (status.port() <= 0) {
            throw new FetchFailedException(shuffleId, status.mapPartition(), status.location().id(),
                    "executor " + status.location().id() + " serves no blocks (port " + status.port() + ")", null);
        }
        FetchRequest.Builder request = FetchRequest.newBuilder().setRequestId(0).setKind(BlockKind.SHUFFLE)
                .setShuffleId(shuffleId).setMapTaskId(status.mapTaskId()).setExecutorId(status.location().id())
                .setStartPartition(startPartition).setEndPartition(endPartition);
        try {
            Peer peer = peer(status.host(), status.port());
            return peer.fetches().open(peer.connection(), request);
        } catch (RpcException e) {
            throw new FetchFailedException(shuffleId, status.mapPartition(), status.location().id(),
                    "cannot fetch from executor " + status.location().id() + " at " + status.host() + ":"
                            + status.port() + ": " + e.getMessage(), e);
        }
    }

    /** Sends {@code request} to the block server at {@code host:port}; the answer's bytes as a stream. */
    public InputStream openBlock(String host, int port, FetchRequest.Builder request) {
        Peer peer = peer(host, port);
        return peer.fetches().open(peer.connection(), request.setRequestId(0));
    }

    private Peer peer(String host, int port) {
        String address = host + ":" + port;
        Peer peer = peers.get(address);
        if (peer != null && peer.connection().isOpen()) {
            return peer;
        }
        synchronized (this) {
            peer = peers.get(address);
            if (peer != null && peer.connection().isOpen()) {
                return peer;
            }
            BlockFetches fetches = new BlockFetches(timeoutMillis);
            RpcConnection connection = RpcConnection.connect(host, port, secret, settings, new RpcHandler() {
                @Override
                public void onMessage(RpcConnection c, RpcMessage message) {
                    try {
                        if (!fetches.accept(message)) {
                            LOG.warn("Ignoring unexpected {} from block server {}",
                                    message.getBody().getClass().getSimpleName(), address);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        c.close();
                    }
                }

                @Override
                public void onClose(RpcConnection c, String reason) {
                    fetches.failAll("connection to block server " + address + " closed: " + reason);
                    peers.computeIfPresent(address, (key, p) -> p.connection() == c ? null : p);
                }
            });
            peer = new Peer(connection, fetches);
            peers.put(address, peer);
            return peer;
        }
    }

    @Override
    public void close() {
        peers.values().forEach(peer -> peer.connection().close());
        peers.clear();
    }
}
