package dev.spindle.driver;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.Filter;
import dev.spindle.cluster.ClusterBackend;
import dev.spindle.common.Clock;
import dev.spindle.common.ErrorCode;
import dev.spindle.common.LocalFiles;
import dev.spindle.common.SpindleException;
import dev.spindle.config.MasterSpec;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import dev.spindle.plan.AccumulatorRegistry;
import dev.spindle.plan.Node;
import dev.spindle.plan.ResultFunction;
import dev.spindle.io.HadoopConfs;
import dev.spindle.recovery.ActionJournal;
import dev.spindle.recovery.CheckpointFiles;
import dev.spindle.recovery.EventLogWriter;
import dev.spindle.scheduler.alloc.AllocationPolicy;
import dev.spindle.scheduler.alloc.ExecutorAllocationManager;
import dev.spindle.scheduler.dag.DagScheduler;
import dev.spindle.scheduler.dag.OutputCommitCoordinator;
import dev.spindle.scheduler.dag.StageSerializer;
import dev.spindle.scheduler.spi.CacheLocations;
import dev.spindle.scheduler.spi.ListenerBus;
import dev.spindle.scheduler.spi.SchedulerBackend;
import dev.spindle.scheduler.spi.SchedulerListener;
import dev.spindle.scheduler.task.TaskScheduler;
import dev.spindle.serde.ClosureSerializer;
import dev.spindle.serde.DefaultRecordSerializer;
import dev.spindle.serde.RecordSerializer;
import dev.spindle.shuffle.MapOutputTracker;
import dev.spindle.shuffle.ReturnedShuffleOutputs;
import dev.spindle.scheduler.spi.SchedulerEvent;
import dev.spindle.ui.ConsoleProgressBar;
import dev.spindle.ui.status.AppStatusStore;
import dev.spindle.ui.status.StoreDirectory;
import dev.spindle.ui.status.StoreLimits;
import dev.spindle.ui.web.UiServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The driver side of one application, wired together: schedulers, backend, map-output tracker, broadcast and
 * accumulator registries, listener bus. Composition only; the parts hold the logic.
 */
public final class Driver implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Driver.class);

    private final SpindleConf conf;
    private final ClassLoader classLoader;
    private final Path localDir;
    private final ListenerBus bus = new ListenerBus();
    private final MapOutputTracker tracker = new MapOutputTracker();
    private final CacheLocations cacheLocations = new CacheLocations(bus);
    private final ReturnedShuffleOutputs returnedOutputs = new ReturnedShuffleOutputs();
    private final OutputCommitCoordinator commits = new OutputCommitCoordinator();
    /** The spindle.checkpoint.dir roots the program's checkpoints went under (a program may set its own). */
    private final java.util.Set<String> checkpointRoots = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AccumulatorRegistry accumulators = new AccumulatorRegistry();
    private final BroadcastRegistry broadcasts = new BroadcastRegistry();
    private final ClosureSerializer closures = new ClosureSerializer();
    private final RecordSerializer serializer = new DefaultRecordSerializer();
    private final AtomicInteger nextNodeId = new AtomicInteger();
    private final AtomicInteger nextShuffleId = new AtomicInteger();
    private final DagScheduler dagScheduler;
    private final ConsoleProgressBar progressBar;
    private final SchedulerBackend backend;
    private final Hosting hosting;
    /** Closed after the driver: a local application's event log. */
    private final AutoCloseable owned;
    /** Null when {@code spindle.ui.enabled} is false. */
    private final UiServer ui;
    /** Null without dynamic allocation. */
    private final ExecutorAllocationManager allocation;
    private final ContextCleaner cleaner = new ContextCleaner(this::cleanShuffle, this::cleanBroadcast);

    /**
     * What the driver's host provides besides the configuration and the backend.
     *
     * @param applicationId names the application's per-application directories (checkpoints) and its event log
     * @param attempt the ApplicationMaster attempt (1 outside YARN); each attempt numbers its tasks apart
     * @param listeners hear every event from the first on (the event log among them)
     * @param journal recovery's journal of the program's actions
     * @param checkpointsOutliveDriver true when the application's checkpoints must survive this driver (the
     *     ApplicationMaster's, whose next attempt reads them back; the AM deletes them when the application ends);
     *     false: the driver deletes them when it stops
     * @param uiFilters run before every request to the web UI (the ApplicationMaster's redirect to YARN's proxy)
     * @param announcesApplication true when the driver itself posts the application's start and end events (local
     *     modes); false when its host does (the ApplicationMaster, which knows the attempt and the final status)
     */
    public record Hosting(String applicationId, int attempt, List<SchedulerListener> listeners, ActionJournal journal,
            boolean checkpointsOutliveDriver, List<Filter> uiFilters, boolean announcesApplication) {
        public Hosting {
            requireNonNull(applicationId, "applicationId is null");
            SpindleException.checkArgument(attempt > 0, "attempt %d must be positive", attempt);
            listeners = List.copyOf(listeners);
            requireNonNull(journal, "journal is null");
            uiFilters = List.copyOf(uiFilters);
        }

        /** A hosting whose host announces the application and adds no filter to the web UI. */
        public Hosting(String applicationId, int attempt, List<SchedulerListener> listeners, ActionJournal journal,
                boolean checkpointsOutliveDriver) {
            this(applicationId, attempt, listeners, journal, checkpointsOutliveDriver, List.of(), false);
        }

        /** A driver of its own: a fresh local application id, no event log, no recovery. */
        public static Hosting local() {
            return new Hosting("local-" + System.currentTimeMillis() + "-"
                    + Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt(0x10000, 0x100000)),
                    1, List.of(), ActionJournal.disabled(), false, List.of(), true);
        }
    }

    private Driver(SpindleConf conf, ClassLoader classLoader, BackendFactory backends, Hosting hosting,
            AutoCloseable owned) {
        this.conf = conf;
        this.owned = owned;
        this.classLoader = classLoader;
        this.hosting = hosting;
        hosting.listeners().forEach(bus::addListener);
        bus.addSynchronousListener(commits);
        // First: when its port range is taken, the driver fails before it made anything else.
        this.ui = startUi(conf, hosting, bus);
        this.localDir = createLocalDir(conf);
        this.backend = requireNonNull(backends.create(new BackendContext(conf, classLoader, localDir, hostFor(conf),
                bus, tracker, cacheLocations, broadcasts, closures, serializer, returnedOutputs, commits)),
                "the backend factory returned null");
        SchedulerBackend backend = this.backend;
        TaskScheduler[] taskScheduler = new TaskScheduler[1];
        MasterSpec.TaskAttempts attempts = MasterSpec.parse(conf.get(SpindleConfig.MASTER)).taskAttempts(conf);
        TaskScheduler.Settings settings = new TaskScheduler.Settings(attempts.attempts(),
                conf.get(SpindleConfig.LOCALITY_WAIT).toMillis(), (long) (hosting.attempt() - 1) << 40,
                attempts.setting(), conf.get(SpindleConfig.TASK_QUEUE_AHEAD).toMillis());
        this.dagScheduler = new DagScheduler(
                new DagScheduler.Services(tracker, new StageSerializer() {
                    @Override
                    public byte[] serialize(Object value, String what) {
                        return closures.serialize(value, what);
                    }

                    @Override
                    public byte[] serializePartition(Object partition, java.util.function.Supplier<String> what) {
                        return closures.serializeValue(partition, what);
                    }
                }, serializer, accumulators, bus, classLoader,
                        conf.get(SpindleConfig.DRIVER_MAX_RESULT_SIZE), Clock.SYSTEM, cacheLocations,
                        new JournaledShuffles(hosting.journal(), returnedOutputs, broadcasts::fetch),
                        dep -> cleaner.registerShuffle(dep, dep.shuffleId()), shuffleService(conf)),
                listener -> taskScheduler[0] = new TaskScheduler(backend, listener, settings, Clock.SYSTEM));
        this.allocation = allocationManager(conf, backend, taskScheduler[0]);
        if (allocation != null) {
            bus.addListener(allocation);
        }
        this.progressBar = ConsoleProgressBar.create(conf);
        bus.addListener(progressBar);
        bus.addListener(cleaner);
    }

    /**
     * Whether map output is served by the NodeManagers' shuffle service: only on YARN, whose NodeManagers run it.
     */
    private static boolean shuffleService(SpindleConf conf) {
        if (!conf.get(SpindleConfig.SHUFFLE_SERVICE_ENABLED)) {
            return false;
        }
        if (MasterSpec.parse(conf.get(SpindleConfig.MASTER)).kind() != MasterSpec.Kind.YARN) {
            throw SpindleException.invalidArgument("spindle.shuffle.service.enabled=true needs --master yarn: the "
                    + "shuffle service runs in YARN's NodeManagers; remove the setting for --master %s",
                    conf.get(SpindleConfig.MASTER));
        }
        return true;
    }

    /**
     * The dynamic allocation manager when {@code spindle.dynamicAllocation.enabled} and the master runs executor
     * processes (local-cluster, whose E bounds it, or YARN); null otherwise.
     */
    private static ExecutorAllocationManager allocationManager(SpindleConf conf, SchedulerBackend backend,
            TaskScheduler tasks) {
        if (!conf.get(SpindleConfig.DYNAMIC_ALLOCATION_ENABLED)) {
            return null;
        }
        MasterSpec master = MasterSpec.parse(conf.get(SpindleConfig.MASTER));
        AllocationPolicy policy;
        if (master.kind() == MasterSpec.Kind.LOCAL_CLUSTER) {
            policy = AllocationPolicy.from(conf, master.coresPerExecutor(), master.executors());
        } else if (master.kind() == MasterSpec.Kind.YARN) {
            policy = AllocationPolicy.from(conf, conf.get(SpindleConfig.EXECUTOR_CORES), Integer.MAX_VALUE);
            if (conf.get(SpindleConfig.SHUFFLE_SERVICE_ENABLED)) {
                policy = policy.withShuffleService();
            }
        } else {
            LOG.warn("spindle.dynamicAllocation.enabled=true is ignored with --master {}: its tasks run in the "
                    + "driver's JVM; use local-cluster[E,C,MB] or yarn", conf.get(SpindleConfig.MASTER));
            return null;
        }
        return new ExecutorAllocationManager(policy, new ExecutorAllocationManager.Client() {
            @Override
            public void requestTotalExecutors(int total) {
                backend.requestTotalExecutors(total);
            }

            @Override
            public void releaseIfIdle(java.util.Map<dev.spindle.common.ExecutorId, String> executors) {
                tasks.releaseIfIdle(executors);
            }

            @Override
            public int executorLimit() {
                return backend.executorLimit();
            }
        }, Clock.SYSTEM);
    }

    /**
     * The web UI, fed by its own status store, when {@code spindle.ui.enabled}: on the loopback address in local
     * modes, on every interface on YARN (the ResourceManager's proxy must reach it).
     */
    private static UiServer startUi(SpindleConf conf, Hosting hosting, ListenerBus bus) {
        if (!conf.get(SpindleConfig.UI_ENABLED)) {
            return null;
        }
        AppStatusStore store = new AppStatusStore(StoreLimits.from(conf));
        bus.addListener(store);
        boolean yarn = MasterSpec.parse(conf.get(SpindleConfig.MASTER)).kind() == MasterSpec.Kind.YARN;
        String loopback = InetAddress.getLoopbackAddress().getHostAddress();
        UiServer.Binding binding = UiServer.Binding.of(conf, yarn ? "0.0.0.0" : loopback,
                yarn ? localHostName() : loopback);
        return UiServer.start(binding, StoreDirectory.single(store), hosting.uiFilters());
    }

    /**
     * Validates {@code conf} and starts a driver whose executors come from the local backend its master names
     * ({@code local[N]} or {@code local-cluster[E,C,MB]}); the caller closes it.
     */
    public static Driver start(SpindleConf conf, ClassLoader classLoader) {
        requireNonNull(conf, "conf is null");
        conf.validate();
        Hosting local = Hosting.local();
        EventLogWriter eventLog = localEventLog(conf, local.applicationId());
        Hosting hosting = eventLog == null ? local : new Hosting(local.applicationId(), 1, List.of(eventLog),
                local.journal(), false, local.uiFilters(), true);
        try {
            return start(conf, classLoader, LocalBackends.forMaster(MasterSpec.parse(conf.get(SpindleConfig.MASTER))),
                    hosting, eventLog == null ? () -> { } : eventLog);
        } catch (RuntimeException e) {
            if (eventLog != null) {
                eventLog.close();
            }
            throw e;
        }
    }

    /**
     * The event log of a local application when {@code spindle.eventLog.enabled=true} (off by default in local
     * modes), for the history server: {@code spindle.eventLog.dir}, else the default directory on the default file
     * system. Null when disabled.
     */
    private static EventLogWriter localEventLog(SpindleConf conf, String applicationId) {
        if (!conf.getOptional(SpindleConfig.EVENT_LOG_ENABLED).orElse(false)) {
            return null;
        }
        try {
            EventLogWriter.Location logs = EventLogWriter.locate(conf.getOptional(SpindleConfig.EVENT_LOG_DIR),
                    HadoopConfs.from(conf));
            return EventLogWriter.open(logs.fs(), logs.dir(), applicationId, 1);
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot open the event log directory (spindle.eventLog.dir="
                    + conf.getOptional(SpindleConfig.EVENT_LOG_DIR).orElse("<unset>") + "): " + e.getMessage(), e);
        }
    }

    /**
     * Validates {@code conf} and starts a driver on the backend {@code backends} builds, in the setting its host
     * provides. The caller closes the driver.
     */
    public static Driver start(SpindleConf conf, ClassLoader classLoader, BackendFactory backends, Hosting hosting) {
        return start(conf, classLoader, backends, hosting, () -> { });
    }

    /** As above; {@code owned} is closed after the driver, once every event reached the listeners. */
    private static Driver start(SpindleConf conf, ClassLoader classLoader, BackendFactory backends, Hosting hosting,
            AutoCloseable owned) {
        requireNonNull(conf, "conf is null");
        requireNonNull(classLoader, "classLoader is null");
        requireNonNull(backends, "backends is null");
        requireNonNull(hosting, "hosting is null");
        conf.validate();
        Driver driver = new Driver(conf, classLoader, backends, hosting, owned);
        try {
            driver.dagScheduler.start();
            driver.cleaner.start(conf.get(SpindleConfig.CLEANER_PERIODIC_GC_INTERVAL),
                    driver.backend.runsTasksInDriverJvm() ? 0
                            : conf.get(SpindleConfig.CLEANER_GC_AFTER_SHUFFLE_BYTES));
            if (driver.allocation != null) {
                driver.allocation.start();
            }
        } catch (RuntimeException e) {
            try {
                driver.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        LOG.info("Driver of {} started (master {}, local dir {})", conf.get(SpindleConfig.APP_NAME),
                conf.get(SpindleConfig.MASTER), driver.localDir);
        driver.uiUri().ifPresent(uri -> LOG.info("Spindle UI at {}", uri));
        if (hosting.announcesApplication()) {
            driver.bus.post(new SchedulerEvent.ApplicationStarted(System.currentTimeMillis(), hosting.applicationId(),
                    hosting.attempt(), conf.get(SpindleConfig.APP_NAME), System.getProperty("user.name", "unknown"),
                    conf.asMap(), RuntimeInfo.ofThisJvm()));
        }
        return driver;
    }

    private static Path createLocalDir(SpindleConf conf) {
        Path root = Path.of(conf.getOptional(SpindleConfig.LOCAL_DIR).orElse(System.getProperty("java.io.tmpdir")));
        try {
            Files.createDirectories(root);
            return Files.createTempDirectory(root, "spindle-");
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot create a local directory under " + root
                    + " (spindle.local.dir): " + e.getMessage(), e);
        }
    }

    /**
     * The host the driver's servers bind to and executors reach: in local modes, where every process runs on this
     * machine, the loopback address, so nothing listens where other machines can connect; otherwise this
     * machine's name.
     */
    private static String hostFor(SpindleConf conf) {
        return MasterSpec.parse(conf.get(SpindleConfig.MASTER)).kind() == MasterSpec.Kind.YARN ? localHostName()
                : InetAddress.getLoopbackAddress().getHostAddress();
    }

    /** This machine's host name, as executors reach the driver. */
    public static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    public SpindleConf conf() {
        return conf;
    }

    /** The web UI's root ({@code http://host:port}), for the tracking URL; empty when the UI is disabled. */
    public java.util.Optional<URI> uiUri() {
        return ui == null ? java.util.Optional.empty() : java.util.Optional.of(ui.uri());
    }

    /** The application this driver runs: a YARN application id, or {@code local-...}. */
    public String applicationId() {
        return hosting.applicationId();
    }

    /** Notes that the application's checkpoints go under {@code root}/{@link #applicationId()}. */
    public void checkpointRootUsed(String root) {
        checkpointRoots.add(requireNonNull(root, "root is null"));
    }

    /** The roots the application's checkpoints went under, for deleting them when it ends. */
    public List<String> checkpointRoots() {
        return List.copyOf(checkpointRoots);
    }

    /** Where persisted datasets' partitions are cached (and which were brought back from an earlier attempt). */
    public CacheLocations cacheLocations() {
        return cacheLocations;
    }

    /** Recovery's journal of the program's actions. */
    public ActionJournal journal() {
        return hosting.journal();
    }

    public ClassLoader classLoader() {
        return classLoader;
    }

    /**
     * Runs {@code function} on {@code partitions} of {@code node} as one job; {@code results} receives each
     * partition's result with its position in {@code partitions}, on the scheduler thread.
     */
    public <T, U> CompletableFuture<Void> submitJob(Node<T> node, ResultFunction<T, U> function,
            List<Integer> partitions, BiConsumer<Integer, U> results, String description) {
        return dagScheduler.submitJob(node, function, partitions, results::accept, description);
    }

    /** Running jobs, stages and task sets, and stage attempts the commit coordinator tracks: 0 when idle (leak check). */
    public int activeSchedulerState() {
        return dagScheduler.activeState() + commits.trackedStages();
    }

    /** The executor-process backend when the master is local-cluster (or yarn); empty in local mode. */
    public java.util.Optional<ClusterBackend> clusterBackend() {
        return backend instanceof ClusterBackend cluster ? java.util.Optional.of(cluster) : java.util.Optional.empty();
    }

    /** Which task attempts may commit their output (and how many were allowed and denied). */
    public OutputCommitCoordinator commitCoordinator() {
        return commits;
    }

    public ListenerBus listenerBus() {
        return bus;
    }

    public AccumulatorRegistry accumulators() {
        return accumulators;
    }

    public BroadcastRegistry broadcasts() {
        return broadcasts;
    }

    public ClosureSerializer closures() {
        return closures;
    }

    public RecordSerializer serializer() {
        return serializer;
    }

    public MapOutputTracker mapOutputTracker() {
        return tracker;
    }

    /** Drops the cached partitions of node {@code nodeId} on every executor. */
    public void removeCachedNode(int nodeId) {
        backend.removeCachedBlocks(nodeId);
    }

    public int newNodeId() {
        return nextNodeId.getAndIncrement();
    }

    public int newShuffleId() {
        return nextShuffleId.getAndIncrement();
    }

    public int defaultParallelism() {
        return conf.getOptional(SpindleConfig.DEFAULT_PARALLELISM).orElseGet(dagScheduler::defaultParallelism);
    }

    /** Fails every running job with {@code reason}; the driver stays up for the next ones. */
    public void cancelAllJobs(String reason) {
        dagScheduler.cancelAllJobs(reason);
    }

    /** Cancels running jobs, stops executors and threads, deletes local files. */
    @Override
    public void close() {
        RuntimeException failure = null;
        if (hosting.announcesApplication()) {
            bus.post(new SchedulerEvent.ApplicationEnded(System.currentTimeMillis(), "SUCCEEDED", ""));
        }
        AutoCloseable closeUi = () -> {
            if (ui != null) {
                ui.close();
            }
        };
        AutoCloseable closeAllocation = () -> {
            if (allocation != null) {
                allocation.close();
            }
        };
        for (AutoCloseable part : new AutoCloseable[] {cleaner, closeAllocation, dagScheduler, progressBar, bus,
                closeUi, owned}) {
            try {
                part.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new SpindleException(ErrorCode.INTERNAL, "closing the driver failed: " + e, e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        deleteRecursively(localDir);
        if (!hosting.checkpointsOutliveDriver()) {
            deleteCheckpoints(checkpointRoots(), conf, hosting.applicationId());
        }
        LOG.info("Driver stopped");
        if (failure != null) {
            throw failure;
        }
    }

    /** Shuffle {@code shuffleId} can no longer be read: forgets it and deletes its files everywhere. */
    private void cleanShuffle(int shuffleId) {
        dagScheduler.removeShuffle(shuffleId);
        backend.removeShuffle(shuffleId);
        if (allocation != null) {
            allocation.shuffleRemoved(shuffleId);
        }
    }

    /** Broadcast {@code id} can no longer be read: drops its value here and on every executor. */
    private void cleanBroadcast(long id) {
        broadcasts.remove(id);
        backend.removeBroadcast(id);
    }

    /** Cleans up broadcast value {@code id} once {@code handle} is no longer reachable. */
    public void broadcastCreated(Object handle, long id) {
        cleaner.registerBroadcast(handle, id);
    }

    /** Shuffles whose state the driver holds now (for leak checks in tests and diagnostics). */
    public int shuffleState() {
        return dagScheduler.shuffleState();
    }

    /** Collections the driver ran for its jobs' shuffle output ({@code spindle.cleaner.gcAfterShuffleBytes}). */
    public int collectionsForShuffles() {
        return cleaner.collectionsForShuffles();
    }

    /** Deletes {@code <root>/<applicationId>} for each of {@code roots}: the application's checkpoints. */
    public static void deleteCheckpoints(java.util.Collection<String> roots, SpindleConf conf, String applicationId) {
        for (String root : roots) {
            try {
                CheckpointFiles.deleteApplicationDir(root, applicationId, conf);
            } catch (RuntimeException e) {
                LOG.warn("Could not delete the checkpoints of {} under {}: {}", applicationId, root, e.getMessage());
            }
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
