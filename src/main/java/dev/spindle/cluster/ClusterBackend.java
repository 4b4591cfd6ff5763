package dev.spindle.cluster;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ExecutorId;
import dev.spindle.common.NamedThreadFactory;
import dev.spindle.common.SerialEvents;
import dev.spindle.common.TaskAttemptId;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import dev.spindle.executor.StageCodeWindow;
import dev.spindle.executor.TaskMessages;
import dev.spindle.plan.CommitArbiter;
import dev.spindle.plan.TaskFailure;
import dev.spindle.plan.TaskState;
import dev.spindle.plan.TaskStatus;
import dev.spindle.rpc.AppSecret;
import dev.spindle.rpc.BlockFetches;
import dev.spindle.rpc.FetchServer;
import dev.spindle.rpc.FrameTooLargeException;
import dev.spindle.rpc.RpcConnection;
import dev.spindle.rpc.RpcException;
import dev.spindle.rpc.RpcHandler;
import dev.spindle.rpc.RpcServer;
import dev.spindle.rpc.RpcSettings;
import dev.spindle.rpc.message.AskCommit;
import dev.spindle.rpc.message.BlockKind;
import dev.spindle.rpc.message.CommitAnswer;
import dev.spindle.rpc.message.ExecutorRegistered;
import dev.spindle.rpc.message.FetchRequest;
import dev.spindle.rpc.message.Heartbeat;
import dev.spindle.rpc.message.HeartbeatResponse;
import dev.spindle.rpc.message.KillTask;
import dev.spindle.rpc.message.RegisterExecutor;
import dev.spindle.rpc.message.RemoveBroadcast;
import dev.spindle.rpc.message.RemoveCachedBlocks;
import dev.spindle.rpc.message.RemoveShuffle;
import dev.spindle.rpc.message.RpcMessage;
import dev.spindle.rpc.message.StatusUpdate;
import dev.spindle.rpc.message.StopExecutor;
import dev.spindle.scheduler.spi.BackendCallbacks;
import dev.spindle.scheduler.spi.CacheLocations;
import dev.spindle.scheduler.spi.SchedulerBackend;
import dev.spindle.scheduler.spi.TaskLaunch;
import dev.spindle.serde.RecordSerializer;
import dev.spindle.shuffle.MapOutputId;
import dev.spindle.shuffle.MapOutputLocator;
import dev.spindle.shuffle.ReturnedShuffleOutputs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The scheduler backend for executor processes, wherever they run: an authenticated RPC server that executors
 * register with; task launches and kills sent to them; status updates back (large results fetched from the executor
 * as blocks); broadcast values and map output locations served to them; their asks to commit task output
 * answered by the driver's {@link CommitArbiter}; executors declared lost when their
 * connection drops, their process ends or they stay silent past {@code spindle.network.timeout}. Where executors
 * come from is the {@link ExecutorProvisioner}'s business.
 */
public final class ClusterBackend implements SchedulerBackend, RpcHandler {
    private static final Logger LOG = LogManager.getLogger(ClusterBackend.class);
    /** How long {@link #close} waits for the executor writing a class data sharing archive. */
    private static final long SLOW_STOP_GRACE_MILLIS = 60_000;

    /** What the backend needs from the driver. */
    public record Services(SpindleConf conf, ClassLoader classLoader, Path localDir, String host,
            LongFunction<byte[]> broadcasts, MapOutputLocator mapOutputs, RecordSerializer serializer,
            CacheLocations cacheLocations, ReturnedShuffleOutputs returnedOutputs, CommitArbiter commits) {
        public Services {
            requireNonNull(commits, "commits is null");
            requireNonNull(returnedOutputs, "returnedOutputs is null");
            requireNonNull(cacheLocations, "cacheLocations is null");
            requireNonNull(conf, "conf is null");
            requireNonNull(classLoader, "classLoader is null");
            requireNonNull(localDir, "localDir is null");
            requireNonNull(host, "host is null");
            requireNonNull(broadcasts, "broadcasts is null");
            requireNonNull(mapOutputs, "mapOutputs is null");
            requireNonNull(serializer, "serializer is null");
        }
    }

    private final Services services;
    private final ExecutorProvisioner provisioner;
    private final RpcServer.BoundPort listenOn;
    private final RpcSettings rpc;
    private final long networkTimeoutMillis;
    private final long maxResultBytes;
    /** Changed only by {@link #membership} events, read anywhere. */
    private final Map<ExecutorId, ExecutorPeer> executors = new ConcurrentHashMap<>();
    /** Notified whenever a connection closes, for {@link #awaitDisconnected}. */
    private final Object disconnects = new Object();
    /**
     * Registrations and losses, one at a time in the order they happen: an executor is added to {@link #executors}
     * and announced to the scheduler in one event, and lost (removed and announced) in another, so the scheduler
     * can never hear of a loss before the addition it undoes (and keep a ghost executor it offers tasks to forever).
     */
    private final SerialEvents membership = new SerialEvents(e -> LOG.error("Executor membership event failed", e));
    private final java.util.Set<ExecutorId> everRegistered = ConcurrentHashMap.newKeySet();
    private final FetchServer fetchServer;
    private final ExecutorService resultFetchers =
            Executors.newFixedThreadPool(4, new NamedThreadFactory("spindle-result-fetcher", true));
    private final ScheduledExecutorService timers =
            Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("spindle-executor-liveness", true));
    private volatile BackendCallbacks callbacks;
    private volatile RpcServer server;
    private volatile boolean closing;

    /**
     * @param listenOn the driver's RPC port, bound already (the ApplicationMaster registers it with the
     *     ResourceManager before the driver starts); the backend serves on it from {@link #start} and closes it
     */
    public ClusterBackend(Services services, ExecutorProvisioner provisioner, RpcServer.BoundPort listenOn) {
        this.services = requireNonNull(services, "services is null");
        this.provisioner = requireNonNull(provisioner, "provisioner is null");
        this.listenOn = requireNonNull(listenOn, "listenOn is null");
        this.rpc = RpcSettings.from(services.conf());
        this.networkTimeoutMillis = services.conf().get(SpindleConfig.NETWORK_TIMEOUT).toMillis();
        this.maxResultBytes = services.conf().get(SpindleConfig.DRIVER_MAX_RESULT_SIZE);
        this.fetchServer = new FetchServer("spindle-driver-block-server", 4, this::serve);
    }

    @Override
    public void start(BackendCallbacks callbacks) {
        this.callbacks = requireNonNull(callbacks, "callbacks is null");
        AppSecret secret = provisioner.appSecret().orElseGet(AppSecret::generate);
        Path secretFile = services.localDir().resolve("app.secret");
        secret.writeTo(secretFile);
        Path confFile = services.localDir().resolve("spindle.conf");
        services.conf().writeTo(confFile);
        server = RpcServer.start(listenOn, secret, rpc, this);
        timers.scheduleWithFixedDelay(this::expireSilentExecutors, 1, 1, TimeUnit.SECONDS);
        provisioner.start(new ExecutorProvisioner.DriverEndpoint(services.host(), server.port(), secretFile.toString(),
                confFile.toString()), new ExecutorProvisioner.Callbacks() {
                    @Override
                    public void executorExited(ExecutorId id, String reason) {
                        ClusterBackend.this.executorExited(id, reason);
                    }

                    @Override
                    public void gaveUp(String reason) {
                        callbacks.backendFailed(reason);
                    }
                });
    }

    @Override
    public void pendingTasksByHost(Map<String, Integer> tasksPerHost) {
        provisioner.pendingTasksByHost(tasksPerHost);
    }

    @Override
    public boolean requestTotalExecutors(int total) {
        return provisioner.requestTotal(total);
    }

    @Override
    public int executorLimit() {
        return provisioner.executorLimit();
    }

    /**
     * Forgets the executor without reporting a loss (the scheduler released it), tells it to stop, and has the
     * provisioner give its process or container back.
     */
    @Override
    public void releaseExecutor(ExecutorId executor, String reason) {
        membership.post(() -> {
            ExecutorPeer peer = executors.get(executor);
            if (peer == null || !executors.remove(executor, peer)) {
                return;
            }
            peer.registered = false;
            services.cacheLocations().executorLost(peer.id);
            services.returnedOutputs().executorLost(peer.id);
            LOG.info("Releasing executor {}: {}", executor.id(), reason);
            sendQuietly(peer, StopExecutor.newBuilder().setReason(reason).build());
            provisioner.release(executor, reason);
        });
    }

    /** The driver's RPC port. */
    public int port() {
        return listenOn.port();
    }

    /** The file holding the application secret that executors authenticate with. */
    public Path secretFile() {
        return services.localDir().resolve("app.secret");
    }

    /** Executors registered now. */
    public int registeredExecutors() {
        return executors.size();
    }

    @Override
    public int defaultParallelism() {
        return Math.max(2, provisioner.expectedCores());
    }

    /** Executors are processes: tasks queued on a busy core let it go on without waiting for the driver. */
    @Override
    public boolean queuesTasks() {
        return true;
    }

    /** Called on the scheduler's events only, so each executor receives its tasks in the order they are recorded. */
    @Override
    public void launchTasks(List<TaskLaunch> launches) {
        for (TaskLaunch launch : launches) {
            ExecutorPeer peer = executors.get(launch.executor());
            long taskId = launch.task().taskId();
            try {
                if (peer == null) {
                    throw new RpcException("executor " + launch.executor().id() + " is not connected");
                }
                peer.sending(taskId);
                TaskAttemptId id = launch.task().attemptId();
                long stage = StageCodeWindow.key(id.stageId(), id.stageAttempt());
                boolean kept = peer.code.contains(stage);
                // Queued, not written here: an executor that reads slowly must not stall the scheduler's launches.
                peer.connection.sendAsync(TaskMessages.launch(launch.task(), !kept, services.mapOutputs().epoch()));
                if (!kept) {
                    peer.code.add(stage, launch.task().taskBinary().length, null);
                }
            } catch (FrameTooLargeException e) {
                peer.notSent(taskId);
                callbacks.statusUpdate(TaskStatus.failed(taskId, launch.executor(), TaskState.FAILED,
                        TaskFailure.simple(TaskFailure.Reason.EXCEPTION, "task " + launch.task().attemptId()
                                + " is " + e.frameBytes() + " bytes to send, over spindle.rpc.maxFrameSize="
                                + e.maxFrameBytes() + ": broadcast large values instead of capturing them in the "
                                + "task's functions, or raise spindle.rpc.maxFrameSize above " + e.frameBytes())));
            } catch (RpcException e) {
                if (peer != null) {
                    peer.notSent(taskId);
                }
                callbacks.statusUpdate(TaskStatus.failed(launch.task().taskId(), launch.executor(), TaskState.LOST,
                        TaskFailure.simple(TaskFailure.Reason.EXECUTOR_LOST, "cannot send the task to executor "
                                + launch.executor().id() + ": " + e.getMessage())));
                if (peer != null) {
                    lose(peer, "cannot send it a task: " + e.getMessage());
                }
            }
        }
    }

    @Override
    public void killTask(long taskId, ExecutorId executor, String reason) {
        ExecutorPeer peer = executors.get(executor);
        if (peer != null) {
            sendQuietly(peer, KillTask.newBuilder().setTaskId(taskId).setReason(reason).build(), true);
        }
    }

    @Override
    public void removeCachedBlocks(int nodeId) {
        services.cacheLocations().removeNode(nodeId);
        executors.values().forEach(peer -> sendQuietly(peer, RemoveCachedBlocks.newBuilder().setNodeId(nodeId).build(),
                true));
    }

    @Override
    public void removeShuffle(int shuffleId) {
        executors.values().forEach(peer -> sendQuietly(peer, RemoveShuffle.newBuilder().setShuffleId(shuffleId)
                .build()));
    }

    @Override
    public void removeBroadcast(long id) {
        executors.values().forEach(peer -> sendQuietly(peer, RemoveBroadcast.newBuilder().setBroadcastId(id).build()));
    }

    @Override
    public void onMessage(RpcConnection connection, RpcMessage message) {
        Object body = message.getBody();
        ExecutorPeer peer = (ExecutorPeer) connection.attachment();
        if (peer == null) {
            if (body instanceof RegisterExecutor register) {
                membership.post(() -> register(connection, register));
            } else {
                LOG.warn("Closing connection from {}: {} before registering", connection.peer(),
                        body.getClass().getSimpleName());
                connection.close();
            }
            return;
        }
        peer.lastHeardNanos = System.nanoTime();
        try {
            if (peer.fetches.accept(message) || fetchServer.accept(connection, message)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (body instanceof StatusUpdate update) {
            statusUpdate(peer, update);
        } else if (body instanceof AskCommit ask) {
            boolean allowed = services.commits().canCommit(new TaskAttemptId(ask.getTaskId(), ask.getStageId(),
                    ask.getStageAttempt(), ask.getPartition(), ask.getAttempt()));
            sendQuietly(peer, CommitAnswer.newBuilder().setRequestId(ask.getRequestId()).setAllowed(allowed).build());
        } else if (body instanceof Heartbeat heartbeat) {
            failLostStatuses(peer, heartbeat);
            sendQuietly(peer, HeartbeatResponse.newBuilder().setReregister(!peer.registered).build());
        } else {
            LOG.warn("Ignoring unexpected {} from executor {}", body.getClass().getSimpleName(), peer.id.id());
        }
    }

    /**
     * Fails the tasks whose status {@code heartbeat} shows lost (see {@link ExecutorPeer#lostStatuses}), so that they
     * run again instead of leaving their job waiting forever.
     */
    private void failLostStatuses(ExecutorPeer peer, Heartbeat heartbeat) {
        Set<Long> running = new HashSet<>();
        heartbeat.getRunningTasks().forEach(task -> running.add(task.getTaskId()));
        for (long taskId : peer.lostStatuses(heartbeat.getTasksReceived(), running)) {
            String message = "executor " + peer.id.id() + " no longer runs task " + taskId + " and its status never "
                    + "came (its heartbeat lists the tasks it runs): the status was lost, and the task runs again";
            LOG.warn("{}", message);
            callbacks.statusUpdate(TaskStatus.failed(taskId, peer.id, TaskState.FAILED,
                    new TaskFailure(TaskFailure.Reason.EXCEPTION, "STATUS_LOST", message, "", null, null)));
        }
    }

    /** A registration, as a {@link #membership} event. */
    private void register(RpcConnection connection, RegisterExecutor register) {
        ExecutorId id = new ExecutorId(register.getExecutorId().toString());
        boolean returning = register.getReturning();
        String refusal = null;
        if (closing) {
            refusal = "the driver is stopping";
        } else if (executors.containsKey(id)) {
            refusal = "executor " + id.id() + " is already registered";
        } else {
            if (returning) {
                // Recorded before the provisioner hears of it: the ApplicationMaster starts the program once every
                // adopted executor is back, and the program's shuffles must then find these outputs.
                List<MapOutputId> outputs = new ArrayList<>();
                register.getShuffleOutputs().forEach(o -> outputs.add(new MapOutputId(o.getShuffleId(),
                        o.getMapTaskId())));
                services.returnedOutputs().executorReturned(id, outputs);
                CacheLocations.Location location = new CacheLocations.Location(id, register.getHost());
                register.getCachedPartitions().forEach(p -> services.cacheLocations().returned(location,
                        p.getNodeId(), p.getPartition()));
            }
            if (!provisioner.launched(id, register.getContainerId())) {
                services.returnedOutputs().executorLost(id);
                services.cacheLocations().executorLost(id);
                refusal = returning ? "executor " + id.id() + " (container " + register.getContainerId()
                        + ") came back too late: its container is not this application's any more (it had "
                        + "spindle.recovery.executorReconnectTimeout="
                        + services.conf().get(SpindleConfig.RECOVERY_EXECUTOR_RECONNECT_TIMEOUT).toMillis()
                        + "ms to return)" : "executor " + id.id() + " was not started by this application";
            }
        }
        if (refusal != null) {
            LOG.warn("Refused registration from {}: {}", connection.peer(), refusal);
            try {
                connection.send(ExecutorRegistered.newBuilder().setAccepted(false).setReason(refusal).build());
            } finally {
                connection.close();
            }
            return;
        }
        ExecutorPeer peer = new ExecutorPeer(id, connection, new BlockFetches(networkTimeoutMillis),
                register.getHost().toString(), register.getBlockPort());
        connection.attach(peer);
        if (!connection.isOpen()) { // it closed before it could see the attachment: no loss would follow the add
            LOG.warn("Executor {} disconnected while registering", id.id());
            return;
        }
        executors.put(id, peer);
        everRegistered.add(id);
        peer.registered = true;
        if (returning) {
            LOG.info("Executor {} (container {}) came back from an earlier ApplicationMaster attempt, holding {} map "
                    + "outputs and {} cached partitions", id.id(), register.getContainerId(),
                    register.getShuffleOutputs().size(), register.getCachedPartitions().size());
        }
        connection.send(ExecutorRegistered.newBuilder().setAccepted(true).build());
        LOG.info("Executor {} registered from {} ({} cores, {} MiB heap, blocks on port {})", id.id(),
                connection.peer(), register.getCores(), register.getMemoryBytes() >> 20, register.getBlockPort());
        callbacks.executorAdded(id, register.getHost().toString(), register.getCores(), register.getMemoryBytes(),
                register.getLogUrls());
    }

    private void statusUpdate(ExecutorPeer peer, StatusUpdate update) {
        peer.statusReceived(update.getTaskId());
        CacheLocations.Location location = new CacheLocations.Location(peer.id, peer.host);
        update.getCachedAdded().forEach(p -> services.cacheLocations().added(location, p.getNodeId(), p.getPartition(),
                p.getMemoryBytes(), p.getDiskBytes()));
        update.getCachedRemoved().forEach(p -> services.cacheLocations().removed(peer.id, p.getNodeId(),
                p.getPartition()));
        boolean inBlock = update.getResultData() == null && update.getResultBlock() != null;
        if (inBlock && (maxResultBytes == 0 || update.getResultBytes() <= maxResultBytes)) {
            try {
                resultFetchers.execute(() -> deliver(peer, fetchResult(peer, update)));
            } catch (RejectedExecutionException e) {
                LOG.debug("Dropping the result of task {}: the backend is stopping", update.getTaskId());
            }
            return;
        }
        deliver(peer, update);
    }

    /** The update with its result block's bytes in place, or a failed update when the block cannot be fetched. */
    private StatusUpdate fetchResult(ExecutorPeer peer, StatusUpdate update) {
        FetchRequest.Builder request = FetchRequest.newBuilder().setRequestId(0).setKind(BlockKind.BLOCK)
                .setName(update.getResultBlock());
        try (InputStream in = peer.fetches.open(peer.connection, request)) {
            byte[] bytes = in.readAllBytes();
            update.setResultData(ByteBuffer.wrap(bytes));
            return update;
        } catch (IOException | RpcException e) {
            LOG.warn("Cannot fetch the result of task {} from executor {}: {}", update.getTaskId(), peer.id.id(),
                    e.getMessage());
            return TaskMessages.update(TaskStatus.failed(update.getTaskId(), peer.id, TaskState.FAILED,
                    TaskFailure.simple(TaskFailure.Reason.EXCEPTION, "cannot fetch the task's result ("
                            + update.getResultBytes() + " bytes) from executor " + peer.id.id() + ": "
                            + e.getMessage())));
        }
    }

    private void deliver(ExecutorPeer peer, StatusUpdate update) {
        TaskStatus status;
        try {
            status = TaskMessages.status(update, services.classLoader());
        } catch (RuntimeException e) {
            LOG.warn("Cannot read the status of task {} from executor {}", update.getTaskId(), peer.id.id(), e);
            status = TaskStatus.failed(update.getTaskId(), peer.id, TaskState.FAILED,
                    TaskFailure.of(TaskFailure.Reason.EXCEPTION, e, null));
        }
        callbacks.statusUpdate(status);
    }

    /** What the driver hands out to executors: broadcast values and map output locations. */
    private InputStream serve(FetchRequest request) throws IOException {
        if (request.getKind() == BlockKind.BROADCAST) {
            return new ByteArrayInputStream(services.broadcasts().apply(request.getId()));
        }
        if (request.getKind() == BlockKind.MAP_OUTPUTS) {
            return new ByteArrayInputStream(services.serializer().toBytes(
                    new ArrayList<>(services.mapOutputs().statuses(request.getShuffleId()))));
        }
        if (request.getKind() == BlockKind.CACHE_LOCATIONS) {
            ArrayList<String> holders = new ArrayList<>();
            for (CacheLocations.Location location : services.cacheLocations().of((int) request.getId(),
                    request.getStartPartition())) {
                ExecutorPeer peer = executors.get(location.executor());
                if (peer != null && peer.blockPort > 0) {
                    holders.add(peer.id.id() + "\t" + peer.host + "\t" + peer.blockPort);
                }
            }
            return new ByteArrayInputStream(services.serializer().toBytes(holders));
        }
        throw new IOException("the driver does not serve " + request.getKind() + " blocks");
    }

    @Override
    public void onClose(RpcConnection connection, String reason) {
        synchronized (disconnects) {
            disconnects.notifyAll();
        }
        fetchServer.closed(connection);
        Object attachment = connection.attachment();
        if (attachment instanceof ExecutorPeer peer) {
            peer.fetches.failAll("connection to executor " + peer.id.id() + " closed: " + reason);
            lose(peer, "its connection closed (" + reason + ")");
        }
    }

    private void executorExited(ExecutorId id, String reason) {
        membership.post(() -> {
            ExecutorPeer peer = executors.get(id);
            if (peer != null) {
                forget(peer, reason);
            } else if (!closing && !everRegistered.contains(id)) {
                LOG.error("Executor {} ended before it registered: {}", id.id(), reason);
            }
        });
    }

    private void expireSilentExecutors() {
        long now = System.nanoTime();
        for (ExecutorPeer peer : executors.values()) {
            long silentMillis = (now - peer.lastHeardNanos) / 1_000_000;
            if (silentMillis > networkTimeoutMillis) {
                lose(peer, "no heartbeat for " + silentMillis + " ms (spindle.network.timeout="
                        + networkTimeoutMillis + "ms)");
                provisioner.kill(peer.id);
            }
        }
    }

    /** Forgets {@code peer} once and tells the scheduler; its tasks, shuffle output and cached blocks are gone. */
    private void lose(ExecutorPeer peer, String reason) {
        membership.post(() -> forget(peer, reason));
    }

    private void forget(ExecutorPeer peer, String reason) {
        if (!executors.remove(peer.id, peer)) {
            return;
        }
        peer.registered = false;
        peer.connection.close();
        services.cacheLocations().executorLost(peer.id);
        services.returnedOutputs().executorLost(peer.id);
        if (!closing) {
            LOG.warn("Lost executor {}: {}", peer.id.id(), reason);
            callbacks.executorLost(peer.id, reason);
        }
    }

    private static void sendQuietly(ExecutorPeer peer, org.apache.avro.specific.SpecificRecord message) {
        sendQuietly(peer, message, false);
    }

    /** Sends {@code message}, logging a failure; {@code queued}: on the scheduler's thread, which must not block. */
    private static void sendQuietly(ExecutorPeer peer, org.apache.avro.specific.SpecificRecord message,
            boolean queued) {
        try {
            if (queued) {
                peer.connection.sendAsync(message);
            } else {
                peer.connection.send(message);
            }
        } catch (RpcException e) {
            LOG.debug("Cannot send {} to executor {}: {}", message.getClass().getSimpleName(), peer.id.id(),
                    e.getMessage());
        }
    }

    /**
     * Waits until executor {@code id} has hung up, or {@code graceMillis} passed (then the provisioner ends it as it
     * ends the rest).
     */
    private void awaitDisconnected(ExecutorId id, long graceMillis) {
        // The others exit meanwhile: none of them is to be replaced.
        provisioner.requestTotal(0);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        synchronized (disconnects) {
            while (true) {
                ExecutorPeer peer = executors.get(id);
                if (peer == null || !peer.connection.isOpen()) {
                    return;
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    LOG.warn("Executor {} still connected {} ms after being asked to write its class data sharing "
                            + "archive and stop; ending it", id.id(), graceMillis);
                    return;
                }
                try {
                    disconnects.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Asks every executor to stop, waits briefly for them to exit, then ends the rest. */
    @Override
    public void close() {
        closing = true;
        timers.shutdownNow();
        // One executor writes the class data sharing archive later executors start from, if the provisioner wants one.
        ExecutorId archiveWriter = provisioner.wantsClassArchive() ? executors.values().stream()
                .filter(peer -> peer.registered).map(peer -> peer.id).min(java.util.Comparator.comparing(ExecutorId::id))
                .orElse(null) : null;
        for (ExecutorPeer peer : executors.values()) {
            sendQuietly(peer, StopExecutor.newBuilder().setReason("the application is stopping")
                    .setWriteClassArchive(peer.id.equals(archiveWriter)).build());
        }
        long start = System.nanoTime();
        int running = executors.size();
        if (archiveWriter != null) {
            awaitDisconnected(archiveWriter, SLOW_STOP_GRACE_MILLIS);
        }
        provisioner.close();
        LOG.info("Stopped {} executors in {} ms", running, (System.nanoTime() - start) / 1_000_000);
        executors.values().forEach(peer -> peer.connection.close());
        executors.clear();
        membership.close();
        resultFetchers.shutdownNow();
        fetchServer.close();
        RpcServer s = server;
        if (s != null) {
            s.close();
        } else {
            listenOn.close();
        }
    }
}
