package dev.spindle.executor;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ExecutorId;
import dev.spindle.common.NamedThreadFactory;
import dev.spindle.common.ErrorCode;
import dev.spindle.common.LocalFiles;
import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import dev.spindle.rpc.AppSecret;
import dev.spindle.rpc.BlockFetches;
import dev.spindle.rpc.FetchServer;
import dev.spindle.rpc.RpcConnection;
import dev.spindle.rpc.RpcException;
import dev.spindle.rpc.RpcHandler;
import dev.spindle.rpc.RpcServer;
import dev.spindle.rpc.RpcSettings;
import dev.spindle.rpc.message.BlockKind;
import dev.spindle.rpc.message.CachedBlock;
import dev.spindle.rpc.message.ExecutorRegistered;
import dev.spindle.rpc.message.FetchRequest;
import dev.spindle.rpc.message.Heartbeat;
import dev.spindle.rpc.message.HeartbeatResponse;
import dev.spindle.rpc.message.HeldCachedPartition;
import dev.spindle.rpc.message.HeldShuffleOutput;
import dev.spindle.rpc.message.KillTask;
import dev.spindle.rpc.message.LaunchTask;
import dev.spindle.rpc.message.RegisterExecutor;
import dev.spindle.rpc.message.RemoveCachedBlocks;
import dev.spindle.rpc.message.RpcMessage;
import dev.spindle.rpc.message.RunningTaskMetrics;
import dev.spindle.rpc.message.RemoveBroadcast;
import dev.spindle.rpc.message.RemoveShuffle;
import dev.spindle.rpc.message.StopExecutor;
import dev.spindle.serde.ClosureSerializer;
import dev.spindle.serde.DefaultRecordSerializer;
import dev.spindle.serde.RecordInput;
import dev.spindle.serde.RecordSerializer;
import dev.spindle.shuffle.FetchFailedException;
import dev.spindle.shuffle.LocalBlockFetcher;
import dev.spindle.shuffle.MapOutputId;
import dev.spindle.shuffle.MapStatus;
import dev.spindle.shuffle.RemoteBlockFetcher;
import dev.spindle.storage.BlockId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * An executor as its own JVM: connects to the driver, registers, runs the tasks it is sent on an {@link Executor},
 * reports their status, heartbeats, serves its shuffle output and large task results from a block server, and ends
 * when the driver says so or cannot be heard from for {@code spindle.network.timeout}. {@link #run} returns the
 * process exit code; every resource it made is released and its local files deleted before it returns.
 */
public final class ExecutorProcess implements RpcHandler {
    private static final Logger LOG = LogManager.getLogger(ExecutorProcess.class);

    /** Exit codes, so that whoever launched the process can tell why it ended. */
    public static final int EXIT_STOPPED = 0;
    public static final int EXIT_BAD_ARGUMENTS = 1;
    public static final int EXIT_DRIVER_LOST = 2;
    public static final int EXIT_DRIVER_SILENT = 3;
    public static final int EXIT_REFUSED = 4;

    /**
     * How the process was started.
     *
     * @param containerId the YARN container it runs in; empty outside YARN
     * @param logUrls the pages of its logs by file name ({@link ContainerLogUrls}); empty outside YARN
     * @param driverEndpointFile where a new ApplicationMaster attempt publishes its driver's address (see
     *     {@link DriverEndpointFile}); empty when the driver cannot come back (local-cluster), and the executor
     *     then exits with its driver
     */
    public record Settings(ExecutorId id, String host, int cores, String driverHost, int driverPort, AppSecret secret,
            SpindleConf conf, Path localRoot, String containerId, Map<String, String> logUrls,
            String driverEndpointFile) {
        public Settings {
            requireNonNull(id, "id is null");
            requireNonNull(host, "host is null");
            requireNonNull(driverHost, "driverHost is null");
            requireNonNull(secret, "secret is null");
            requireNonNull(conf, "conf is null");
            requireNonNull(localRoot, "localRoot is null");
            requireNonNull(containerId, "containerId is null");
            logUrls = Map.copyOf(logUrls);
            requireNonNull(driverEndpointFile, "driverEndpointFile is null");
        }

        public Settings(ExecutorId id, String host, int cores, String driverHost, int driverPort, AppSecret secret,
                SpindleConf conf, Path localRoot) {
            this(id, host, cores, driverHost, driverPort, secret, conf, localRoot, "", Map.of(), "");
        }
    }

    private final Settings settings;
    private final RpcSettings rpc;
    private final long networkTimeoutMillis;
    private final long maxDirectResultBytes;
    private final RecordSerializer serializer = new DefaultRecordSerializer();
    private final ClosureSerializer closures = new ClosureSerializer();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private volatile CompletableFuture<ExecutorRegistered> registration = new CompletableFuture<>();
    private final StatusReporter reporter;
    private final UnaryOperator<TaskStatusSink> statusSink;
    /** LaunchTask messages taken in on the current driver connection; each heartbeat tells the driver how many. */
    private final AtomicLong tasksReceived = new AtomicLong();
    private final MapStatusCache mapStatuses = new MapStatusCache(this::mapOutputs);
    private final BlockFetches driverFetches;
    private final DriverCommitAsks commitAsks;
    private final FetchServer fetchServer = new FetchServer("executor-block-server", 4, this::serve);
    private final ScheduledExecutorService timers =
            Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("executor-heartbeat", true));
    private volatile long lastHeardFromDriver = System.nanoTime();
    private volatile RpcConnection driver;
    private volatile String driverAddress;
    private volatile int blockPort;
    /** The driver's stop asked this executor to write its class data sharing archive first. */
    private volatile boolean writeClassArchive;
    /** Set while the driver is gone and the executor waits for the next ApplicationMaster attempt. */
    private volatile NextDriverSearch search;
    private volatile Executor executor;
    private volatile RemoteBlockFetcher peers;

    public ExecutorProcess(Settings settings) {
        this(settings, UnaryOperator.identity());
    }

    /**
     * An executor whose task statuses go through {@code statusSink} on their way to the driver: the identity in
     * production; a fault test drops a status there to show that the driver notices.
     */
    public ExecutorProcess(Settings settings, UnaryOperator<TaskStatusSink> statusSink) {
        this.settings = requireNonNull(settings, "settings is null");
        this.statusSink = requireNonNull(statusSink, "statusSink is null");
        this.rpc = RpcSettings.from(settings.conf());
        this.networkTimeoutMillis = settings.conf().get(SpindleConfig.NETWORK_TIMEOUT).toMillis();
        this.maxDirectResultBytes = settings.conf().get(SpindleConfig.TASK_MAX_DIRECT_RESULT_SIZE);
        this.driverFetches = new BlockFetches(networkTimeoutMillis);
        this.reporter = new StatusReporter(maxDirectResultBytes, () -> driver, () -> executor.services().blocks());
        this.commitAsks = new DriverCommitAsks(() -> driver, networkTimeoutMillis);
    }

    /** Runs until told to stop or the driver is gone; returns the exit code. */
    public int run() {
        Path localDir = null;
        RpcServer blockServer = null;
        try {
            Files.createDirectories(settings.localRoot());
            localDir = Files.createTempDirectory(settings.localRoot(), "executor-" + settings.id().id() + "-");
            // Its sockets are channels: shuffle segments go out without a copy through the heap.
            RpcServer.BoundPort blocksOn = RpcServer.bindForFiles(settings.host(), 0);
            blockServer = RpcServer.start(blocksOn, settings.secret(), rpc, new RpcHandler() {
                @Override
                public void onMessage(RpcConnection connection, RpcMessage message) {
                    if (!fetchServer.accept(connection, message)) {
                        LOG.warn("Block server: ignoring {} from {}", message.getBody().getClass().getSimpleName(),
                                connection.peer());
                    }
                }

                @Override
                public void onClose(RpcConnection connection, String reason) {
                    fetchServer.closed(connection);
                }
            });
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            int mapOutputPort = blockServer.port();
            Path shuffleDir = null;
            if (settings.conf().get(SpindleConfig.SHUFFLE_SERVICE_ENABLED)) {
                // Map output goes where the NodeManager's shuffle service serves it, also after this executor ends.
                Map<String, String> env = System.getenv();
                try {
                    shuffleDir = ShuffleServiceClient.directory(env, settings.id());
                    mapOutputPort = ShuffleServiceClient.port(env, settings.conf());
                    ShuffleServiceClient.register(settings.host(), mapOutputPort, settings.secret(), rpc,
                            settings.id(), shuffleDir, networkTimeoutMillis);
                } catch (SpindleException e) {
                    LOG.error("Executor {} cannot use the shuffle service (spindle.shuffle.service.enabled=true): {}. "
                            + "Is the spindle_shuffle auxiliary service configured in the NodeManagers (see the "
                            + "README)?", settings.id().id(), e.getMessage());
                    return EXIT_BAD_ARGUMENTS;
                }
                LOG.info("Executor {} writes map output into {}, served by the shuffle service on port {}",
                        settings.id().id(), shuffleDir, mapOutputPort);
            }
            ExecutorServices services = ExecutorServices.assemble(new ExecutorServices.Wiring(settings.id(),
                    settings.host(), mapOutputPort, settings.cores(), settings.conf(), loader,
                    closures::deserialize, serializer, localDir, mapStatuses,
                    files -> peers = new RemoteBlockFetcher(settings.id(), new LocalBlockFetcher(files,
                            settings.id()), settings.secret(), rpc, networkTimeoutMillis),
                    this::broadcast, this::readCached, commitAsks, shuffleDir));
            executor = new Executor(services, this.statusSink.apply(reporter::report));
            blockPort = blockServer.port();
            ExecutorRegistered registered = register(settings.driverHost(), settings.driverPort(), false)
                    .get(networkTimeoutMillis, TimeUnit.MILLISECONDS);
            if (!registered.getAccepted()) {
                LOG.error("The driver refused executor {}: {}", settings.id().id(), registered.getReason());
                return EXIT_REFUSED;
            }
            long interval = settings.conf().get(SpindleConfig.EXECUTOR_HEARTBEAT_INTERVAL).toMillis();
            timers.scheduleWithFixedDelay(this::heartbeat, 0, interval, TimeUnit.MILLISECONDS);
            timers.scheduleWithFixedDelay(this::checkDriver, interval, Math.min(interval, 1000),
                    TimeUnit.MILLISECONDS);
            LOG.info("Executor {} registered with the driver at {}:{}; serving blocks on port {}", settings.id().id(),
                    settings.driverHost(), settings.driverPort(), blockServer.port());
            // Hadoop's configuration parsing and login, which tasks that touch files need, while tasks arrive.
            dev.spindle.io.HadoopConfs.warmUpInBackground();
            int code = exit.get();
            if (code == EXIT_STOPPED && writeClassArchive) {
                // Still connected: the driver waits for this executor to hang up before its container is released.
                dev.spindle.io.ClassArchiveUpload.publishIfAsked("Executor " + settings.id().id());
            }
            return code;
        } catch (TimeoutException e) {
            LOG.error("The driver at {}:{} did not answer the registration of executor {} within {} ms "
                    + "(spindle.network.timeout)", settings.driverHost(), settings.driverPort(), settings.id().id(),
                    networkTimeoutMillis);
            return EXIT_DRIVER_SILENT;
        } catch (RpcException e) {
            LOG.error("Executor {} cannot reach the driver: {}", settings.id().id(), e.getMessage());
            return EXIT_DRIVER_LOST;
        } catch (IOException e) {
            LOG.error("Executor {} cannot create its local directory under {}: {}", settings.id().id(),
                    settings.localRoot(), e.getMessage());
            return EXIT_BAD_ARGUMENTS;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_STOPPED;
        } catch (ExecutionException e) {
            LOG.error("Executor {} could not register with the driver: {}", settings.id().id(),
                    e.getCause().getMessage());
            return EXIT_DRIVER_LOST;
        } finally {
            timers.shutdownNow();
            Executor e = executor;
            if (e != null) {
                e.close();
            }
            closeQuietly(fetchServer);
            closeQuietly(blockServer);
            closeQuietly(peers);
            RpcConnection d = driver;
            if (d != null) {
                d.close();
            }
            deleteRecursively(localDir);
        }
    }

    private void stop(int code, String reason) {
        if (exit.complete(code)) {
            if (code == EXIT_STOPPED) {
                LOG.info("Executor {} stopping: {}", settings.id().id(), reason);
            } else {
                LOG.error("Executor {} exiting with code {}: {}", settings.id().id(), code, reason);
            }
        }
    }

    @Override
    public void onMessage(RpcConnection connection, RpcMessage message) {
        lastHeardFromDriver = System.nanoTime();
        try {
            if (driverFetches.accept(message) || commitAsks.accept(message)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Object body = message.getBody();
        if (body instanceof LaunchTask launch) {
            boolean current = connection == driver;
            if (current) {
                mapStatuses.observe(launch.getMapOutputEpoch());
            }
            executor().launch(TaskMessages.description(launch, (StageCodeWindow) connection.attachment()));
            if (current) { // counted after launch() lists it as running: see heartbeat()
                tasksReceived.incrementAndGet();
            }
        } else if (body instanceof KillTask kill) {
            executor().kill(kill.getTaskId(), kill.getReason());
        } else if (fetchServer.accept(connection, message)) {
            return;
        } else if (body instanceof RemoveCachedBlocks remove) {
            executor().services().blocks().remove(remove.getNodeId());
        } else if (body instanceof RemoveShuffle remove) {
            mapStatuses.remove(remove.getShuffleId());
            executor().removeShuffle(remove.getShuffleId());
        } else if (body instanceof RemoveBroadcast remove) {
            executor().removeBroadcast(remove.getBroadcastId());
        } else if (body instanceof ExecutorRegistered registered) {
            registration.complete(registered);
        } else if (body instanceof HeartbeatResponse response) {
            if (response.getReregister()) {
                stop(EXIT_REFUSED, "the driver no longer knows this executor (it was declared lost)");
            }
        } else if (body instanceof StopExecutor stopExecutor) {
            writeClassArchive = stopExecutor.getWriteClassArchive();
            stop(EXIT_STOPPED, "the driver asked: " + stopExecutor.getReason());
        } else {
            LOG.warn("Ignoring unexpected {} from the driver", body.getClass().getSimpleName());
        }
    }

    @Override
    public void onClose(RpcConnection connection, String reason) {
        fetchServer.closed(connection);
        if (connection != driver) {
            return; // a connection to an earlier driver, or one that failed to register
        }
        driverFetches.failAll("connection to the driver closed: " + reason);
        commitAsks.failAll("connection to the driver closed: " + reason);
        registration.completeExceptionally(new RpcException("the driver closed the connection: " + reason));
        if (!settings.driverEndpointFile().isEmpty() && executor != null && !exit.isDone()) {
            awaitNextDriver(reason);
        } else {
            stop(EXIT_DRIVER_LOST, "lost the connection to the driver (" + reason + ")");
        }
    }

    /** Connects to the driver at {@code host:port} and registers; the future completes with the driver's answer. */
    private CompletableFuture<ExecutorRegistered> register(String host, int port, boolean returning) {
        CompletableFuture<ExecutorRegistered> answer = new CompletableFuture<>();
        registration = answer;
        tasksReceived.set(0);
        RpcConnection connection = RpcConnection.connect(host, port, settings.secret(), rpc, this);
        // Tasks come only after registration: the window is there before the first.
        connection.attach(new StageCodeWindow());
        mapStatuses.clear();
        driver = connection;
        driverAddress = host + ":" + port;
        lastHeardFromDriver = System.nanoTime();
        List<HeldShuffleOutput> outputs = new ArrayList<>();
        List<HeldCachedPartition> cached = new ArrayList<>();
        if (returning) {
            for (MapOutputId output : executor.services().shuffleFiles().completeOutputs()) {
                outputs.add(new HeldShuffleOutput(output.shuffleId(), output.mapTaskId()));
            }
            for (CacheReport.Change held : reporter.resetCacheReport()) {
                cached.add(new HeldCachedPartition(held.nodeId(), held.partition()));
            }
        }
        connection.send(RegisterExecutor.newBuilder().setExecutorId(settings.id().id()).setHost(settings.host())
                .setBlockPort(blockPort).setCores(settings.cores())
                .setMemoryBytes(Runtime.getRuntime().maxMemory()).setContainerId(settings.containerId())
                .setLogUrls(settings.logUrls())
                .setReturning(returning).setShuffleOutputs(outputs).setCachedPartitions(cached).build());
        return answer;
    }

    /**
     * The driver is gone, and the ApplicationMaster may come back in another attempt: running tasks are killed;
     * shuffle output and cached partitions are kept and reported to the next driver, which uses them only once it
     * knows they belong to its datasets;
     * the executor looks for the new driver's address every second for {@code
     * spindle.recovery.executorReconnectTimeout}, then registers with it, or exits.
     */
    private void awaitNextDriver(String reason) {
        long timeoutMillis = settings.conf().get(SpindleConfig.RECOVERY_EXECUTOR_RECONNECT_TIMEOUT).toMillis();
        NextDriverSearch started = new NextDriverSearch(settings.id().id(), settings.driverEndpointFile(),
                settings.conf(), driverAddress, timeoutMillis, networkTimeoutMillis, new NextDriverSearch.Executor() {
                    @Override
                    public CompletableFuture<ExecutorRegistered> registerWith(String host, int port) {
                        return register(host, port, true);
                    }

                    @Override
                    public void abandonConnection() {
                        closeQuietly(driver);
                    }

                    @Override
                    public void stop(int code, String why) {
                        ExecutorProcess.this.stop(code, why);
                    }

                    @Override
                    public boolean stopped() {
                        return exit.isDone();
                    }
                });
        synchronized (this) {
            if (search != null) {
                return;
            }
            search = started;
        }
        LOG.warn("Executor {} lost its driver at {} ({}); waiting up to {} ms for the next ApplicationMaster attempt "
                + "(spindle.recovery.executorReconnectTimeout)", settings.id().id(), driverAddress, reason,
                timeoutMillis);
        executor.driverLost("the driver was lost");
        reporter.dropResultBlocks();
        started.found().thenRun(() -> {
            synchronized (this) {
                search = null;
            }
        });
        started.start(timers);
    }

    private Executor executor() {
        Executor e = executor;
        if (e == null) {
            throw new RpcException("the driver sent a task before registration completed");
        }
        return e;
    }

    private void heartbeat() {
        Executor e = executor;
        RpcConnection d = driver;
        if (e == null || d == null || !d.isOpen()) {
            return;
        }
        // Counted before the running tasks are listed: every task counted is then either listed or gone, and a task
        // leaves the list only once its status is sent, ahead of this heartbeat on the same connection. So the
        // driver may take a task it sent among the first tasksReceived, and not listed, for one whose status was lost.
        long received = tasksReceived.get();
        List<RunningTaskMetrics> running = new ArrayList<>();
        e.runningMetrics().forEach((taskId, metrics) -> running.add(RunningTaskMetrics.newBuilder()
                .setTaskId(taskId).setMetrics(TaskMessages.metrics(metrics)).build()));
        List<CachedBlock> cached = new ArrayList<>();
        e.services().blocks().cachedBlocks().forEach(info -> cached.add(CachedBlock.newBuilder()
                .setName(info.id().name()).setMemoryBytes(info.memoryBytes()).setDiskBytes(info.diskBytes()).build()));
        try {
            d.send(Heartbeat.newBuilder().setExecutorId(settings.id().id()).setSentAtMillis(System.currentTimeMillis())
                    .setRunningTasks(running).setCachedBlocks(cached).setTasksReceived(received).build());
        } catch (RpcException ex) {
            LOG.warn("Heartbeat to the driver failed: {}", ex.getMessage());
        }
    }

    private void checkDriver() {
        if (search != null) {
            return;
        }
        long silentMillis = (System.nanoTime() - lastHeardFromDriver) / 1_000_000;
        if (silentMillis > networkTimeoutMillis && !settings.driverEndpointFile().isEmpty()) {
            // A driver whose node died says nothing and closes nothing: as lost as a closed connection.
            RpcConnection silent = driver;
            awaitNextDriver("nothing heard from it for " + silentMillis + " ms (spindle.network.timeout="
                    + networkTimeoutMillis + "ms)");
            closeQuietly(silent);
        } else if (silentMillis > networkTimeoutMillis) {
            stop(EXIT_DRIVER_SILENT, "nothing heard from the driver for " + silentMillis
                    + " ms (spindle.network.timeout=" + networkTimeoutMillis + "ms)");
        }
    }

    /** What this executor's block server hands out to other executors and to the driver. */
    private InputStream serve(FetchRequest request) throws IOException {
        if (request.getKind() == BlockKind.SHUFFLE) {
            Executor e = executor;
            if (e == null) {
                throw new IOException("executor " + settings.id().id() + " is not ready");
            }
            return e.services().shuffleFiles().openSegment(request.getShuffleId(), request.getMapTaskId(),
                    request.getStartPartition(), request.getEndPartition());
        }
        if (request.getKind() == BlockKind.CACHED) {
            Executor e = executor;
            if (e == null) {
                throw new IOException("executor " + settings.id().id() + " is not ready");
            }
            BlockId.RddBlock id = new BlockId.RddBlock((int) request.getId(), request.getStartPartition());
            return e.services().blocks().openSerialized(id)
                    .orElseThrow(() -> new IOException("executor " + settings.id().id() + " does not cache " + id.name()));
        }
        if (request.getKind() == BlockKind.BLOCK && request.getName() != null) {
            byte[] bytes = reporter.takeResultBlock(request.getName().toString());
            if (bytes == null) {
                throw new IOException("executor " + settings.id().id() + " holds no block " + request.getName());
            }
            return new ByteArrayInputStream(bytes);
        }
        throw new IOException("executor " + settings.id().id() + " does not serve " + request.getKind() + " blocks");
    }

    private byte[] fetchFromDriver(FetchRequest.Builder request) throws IOException {
        RpcConnection d = driver;
        try (InputStream in = driverFetches.open(d, request.setRequestId(0))) {
            return in.readAllBytes();
        }
    }

    private byte[] broadcast(long id) {
        try {
            return fetchFromDriver(FetchRequest.newBuilder().setKind(BlockKind.BROADCAST).setId(id));
        } catch (IOException | RpcException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot fetch broadcast " + id + " from the driver: "
                    + e.getMessage(), e);
        }
    }

    /** A cached partition from another executor that holds it, if one does and answers. */
    @SuppressWarnings("unchecked")
    private Optional<List<Object>> readCached(int nodeId, int partition) {
        List<String> holders;
        try {
            holders = (List<String>) serializer.fromBytes(fetchFromDriver(FetchRequest.newBuilder()
                    .setKind(BlockKind.CACHE_LOCATIONS).setId(nodeId).setStartPartition(partition)),
                    getClass().getClassLoader());
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot ask the driver where partition {} of dataset {} is cached: {}", partition, nodeId,
                    e.getMessage());
            return Optional.empty();
        }
        for (String holder : holders) {
            String[] fields = holder.split("\t");
            if (fields[0].equals(settings.id().id())) {
                continue;
            }
            FetchRequest.Builder request = FetchRequest.newBuilder().setKind(BlockKind.CACHED).setId(nodeId)
                    .setStartPartition(partition);
            try (InputStream in = peers.openBlock(fields[1], Integer.parseInt(fields[2]), request);
                    RecordInput records = serializer.newInput(in, Thread.currentThread().getContextClassLoader())) {
                List<Object> values = new ArrayList<>();
                for (Object value = records.read(); value != RecordInput.END; value = records.read()) {
                    values.add(value);
                }
                return Optional.of(values);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Cannot read partition {} of dataset {} from executor {}: {}", partition, nodeId, fields[0],
                        e.getMessage());
            }
        }
        return Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private List<MapStatus> mapOutputs(int shuffleId) {
        byte[] bytes;
        try {
            bytes = fetchFromDriver(FetchRequest.newBuilder().setKind(BlockKind.MAP_OUTPUTS).setShuffleId(shuffleId));
        } catch (IOException | RpcException e) {
            throw new FetchFailedException(shuffleId, -1, "driver", "cannot get the map outputs of shuffle "
                    + shuffleId + " from the driver: " + e.getMessage(), e);
        }
        return (List<MapStatus>) serializer.fromBytes(bytes, MapStatus.class.getClassLoader());
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debug("Closing {}: {}", closeable, e.toString());
        }
    }

    private static void deleteRecursively(Path dir) {
        try {
            LocalFiles.deleteRecursively(dir);
        } catch (IOException e) {
            LOG.warn("Could not delete local dir {}: {}", dir, e.getMessage());
        }
    }
}
