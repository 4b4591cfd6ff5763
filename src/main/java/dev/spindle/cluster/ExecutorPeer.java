package dev.spindle.cluster;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ExecutorId;
import dev.spindle.executor.StageCodeWindow;
import dev.spindle.rpc.BlockFetches;
import dev.spindle.rpc.RpcConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A registered executor as the {@link ClusterBackend} sees it: its connection, where it serves blocks, and the tasks
 * sent to it whose status has not come back. Those are checked against each heartbeat, which lists the tasks the
 * executor runs and counts the tasks it has received: a task among those received that it neither runs nor reported
 * had its status lost.
 */
final class ExecutorPeer {
    final ExecutorId id;
    final RpcConnection connection;
    final BlockFetches fetches;
    final String host;
    final int blockPort;
    volatile long lastHeardNanos = System.nanoTime();
    volatile boolean registered;
    /** The stage code this executor keeps from tasks sent on this connection; used on the scheduler's events. */
    final StageCodeWindow code = new StageCodeWindow();

    /** Task id to its place among the tasks sent on this connection (1, 2, ...); guarded by {@code this}. */
    private final Map<Long, Long> awaitingStatus = new HashMap<>();
    private long tasksSent; // guarded by this

    ExecutorPeer(ExecutorId id, RpcConnection connection, BlockFetches fetches, String host, int blockPort) {
        this.id = requireNonNull(id, "id is null");
        this.connection = requireNonNull(connection, "connection is null");
        this.fetches = requireNonNull(fetches, "fetches is null");
        this.host = requireNonNull(host, "host is null");
        this.blockPort = blockPort;
    }

    /** Task {@code taskId} is about to be sent; called in the order the tasks go out (the scheduler's order). */
    synchronized void sending(long taskId) {
        awaitingStatus.put(taskId, ++tasksSent);
    }

    /** Task {@code taskId} could not be sent after all. */
    synchronized void notSent(long taskId) {
        awaitingStatus.remove(taskId);
    }

    synchronized void statusReceived(long taskId) {
        awaitingStatus.remove(taskId);
    }

    /**
     * The tasks whose status was lost, forgotten from now on: sent among the first {@code tasksReceived} (so the
     * executor had them when it made the heartbeat), not among the {@code running} tasks it listed, and not reported.
     * A task sent later may still be on its way, and is left for a later heartbeat.
     */
    synchronized List<Long> lostStatuses(long tasksReceived, Set<Long> running) {
        List<Long> lost = new ArrayList<>();
        for (Iterator<Map.Entry<Long, Long>> it = awaitingStatus.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Long, Long> task = it.next();
            if (task.getValue() <= tasksReceived && !running.contains(task.getKey())) {
                lost.add(task.getKey());
                it.remove();
            }
        }
        return lost;
    }
}
