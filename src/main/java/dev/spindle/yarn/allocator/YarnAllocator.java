package dev.spindle.yarn.allocator;

import static java.util.Objects.requireNonNull;

import dev.spindle.cluster.ExecutorCommand;
import dev.spindle.cluster.ExecutorProvisioner;
import dev.spindle.common.ExecutorId;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import dev.spindle.rpc.AppSecret;
import dev.spindle.yarn.ContainerSizes;
import dev.spindle.yarn.StagedResources;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.NodeReport;
import org.apache.hadoop.yarn.api.records.Priority;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.client.api.async.AMRMClientAsync;
import org.apache.hadoop.yarn.client.api.async.NMClientAsync;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Executors as YARN containers: keeps the requested containers at the target minus those running or launching,
 * launches granted containers ({@link ExecutorLaunches} builds what they start with, through {@link ExecutorCommand},
 * the command builder local-cluster uses), releases
 * grants beyond the target, and classifies every completed container in one log line. Failures count against
 * {@code spindle.executor.maxFailures}; past it the driver is told to give up.
 *
 * <p>One allocator per ApplicationMaster; each driver the application creates gets a {@link #provisioner}.
 */
public final class YarnAllocator {
    private static final Logger LOG = LogManager.getLogger(YarnAllocator.class);
    private static final Priority PRIORITY = Priority.newInstance(1);
    static final int MAX_PREFERRED_HOSTS = 8;
    /**
     * ResourceManager heartbeats: often while containers are wanted (a request waits for the next heartbeat, and the
     * ResourceManager hands grants over on the one after), else 1 s.
     */
    public static final int EAGER_HEARTBEAT_MILLIS = 100;
    static final int IDLE_HEARTBEAT_MILLIS = 1000;

    /** What the allocator needs from its ApplicationMaster. */
    public record Settings(Configuration hadoopConf, FileSystem fs, Path stagingDir, StagedResources staged,
            AppSecret secret, int attempt) {
        public Settings(Configuration hadoopConf, FileSystem fs, Path stagingDir, StagedResources staged,
                AppSecret secret) {
            this(hadoopConf, fs, stagingDir, staged, secret, 1);
        }

        public Settings {
            requireNonNull(hadoopConf, "hadoopConf is null");
            requireNonNull(fs, "fs is null");
            requireNonNull(stagingDir, "stagingDir is null");
            requireNonNull(staged, "staged is null");
            requireNonNull(secret, "secret is null");
        }
    }

    /** The ResourceManager's and the NodeManagers' clients an allocator works through. */
    public record Clients(AMRMClientAsync<ContainerRequest> rm, NMClientAsync nm) {
        public Clients {
            requireNonNull(rm, "rm is null");
            requireNonNull(nm, "nm is null");
        }
    }

    /**
     * Makes the allocator's clients around its callbacks: {@code AMRMClientAsync.createAMRMClientAsync} and
     * {@code NMClientAsync.createNMClientAsync} in an ApplicationMaster, fakes in tests.
     */
    @FunctionalInterface
    public interface ClientFactory {
        Clients create(AMRMClientAsync.AbstractCallbackHandler rmCallbacks,
                NMClientAsync.AbstractCallbackHandler nmCallbacks);
    }

    private final Settings settings;
    private final ExecutorLaunches launches;
    private volatile java.util.function.Supplier<Float> progress = () -> 0f;
    private final AMRMClientAsync.AbstractCallbackHandler rmCallbacks = new RmCallbacks();
    private final NMClientAsync.AbstractCallbackHandler nmCallbacks = new NmCallbacks();
    private final AMRMClientAsync<ContainerRequest> amrm;
    private final NMClientAsync nm;

    // Guarded by this.
    private Active active;
    private int driverCount;
    private int nextExecutorId = 1;
    private final Deque<ContainerRequest> pending = new ArrayDeque<>();
    private final Map<ContainerId, ExecutorId> executorsByContainer = new HashMap<>();
    /** Containers of earlier attempts whose executors have not registered with this one yet. */
    private final Map<ContainerId, Container> adopted = new HashMap<>();
    private CompletableFuture<Void> adoptedSettled = CompletableFuture.completedFuture(null);
    private final Map<ExecutorId, Container> containers = new HashMap<>();
    private final Set<ContainerId> released = new HashSet<>();
    private final Deque<String> recentFailures = new ArrayDeque<>();
    private Map<String, Integer> pendingTasksByHost = Map.of();
    private boolean gaveUp;
    private static final int RECENT_FAILURES = 5;
    /** Containers granted before the first driver started ({@link #requestEarly}), launched when it starts. */
    private final List<Container> early = new ArrayList<>();
    private Resource earlyResource;
    private int earlyTarget;

    /** The driver being served: its endpoint, settings and what it is told. */
    private record Active(ExecutorProvisioner.DriverEndpoint endpoint, ExecutorProvisioner.Callbacks callbacks,
            SpindleConf conf, Resource resource, int target, int maxFailures, LocalResource executorConf,
            int[] failures) {
        Active withTarget(int newTarget) {
            return new Active(endpoint, callbacks, conf, resource, newTarget, maxFailures, executorConf, failures);
        }
    }

    /** An allocator working through the clients {@code clients} makes around its callbacks. */
    public YarnAllocator(Settings settings, ClientFactory clients) {
        this.settings = requireNonNull(settings, "settings is null");
        this.launches = new ExecutorLaunches(settings);
        Clients made = requireNonNull(clients.create(rmCallbacks, nmCallbacks), "clients is null");
        this.amrm = made.rm();
        this.nm = made.nm();
    }

    /** The ResourceManager's client: the ApplicationMaster registers, reports and unregisters through it. */
    public AMRMClientAsync<ContainerRequest> resourceManager() {
        return amrm;
    }

    /** The NodeManagers' client, which the ApplicationMaster starts and stops. */
    public NMClientAsync nodeManagers() {
        return nm;
    }

    /** Where the progress reported to the ResourceManager with each heartbeat comes from. */
    public void reportProgress(java.util.function.Supplier<Float> source) {
        this.progress = requireNonNull(source, "source is null");
    }

    /**
     * Asks for the first driver's executors as soon as the ApplicationMaster has registered, while the driver starts
     * (its event log, web UI and RPC server take about half a second): containers granted meanwhile wait for it and
     * are launched when it starts. Nothing is asked for when an earlier attempt's containers were adopted (they may
     * be all the driver needs).
     */
    public synchronized void requestEarly(SpindleConf conf) {
        if (active != null || driverCount > 0 || !adopted.isEmpty() || earlyTarget > 0) {
            return;
        }
        earlyResource = executorResource(conf);
        earlyTarget = SpindleConfig.initialExecutors(conf);
        LOG.info("Requesting {} executor containers of {} MB and {} vcores while the driver starts", earlyTarget,
                earlyResource.getMemorySize(), earlyResource.getVirtualCores());
        for (int i = 0; i < earlyTarget; i++) {
            ContainerRequest request = containerRequest(earlyResource, Map.of());
            amrm.addContainerRequest(request);
            pending.add(request);
        }
        adjustHeartbeat();
    }

    private static Resource executorResource(SpindleConf conf) {
        return Resource.newInstance(ContainerSizes.executorHeapMb(conf) + ContainerSizes.executorOverheadMb(conf),
                conf.get(SpindleConfig.EXECUTOR_CORES));
    }

    /**
     * The containers granted for the driver now starting with executors of {@code resource}; the early requests
     * and grants are withdrawn and released instead if it wants another size. Holds this.
     */
    private List<Container> takeEarly(Resource resource) {
        List<Container> granted = new ArrayList<>(early);
        early.clear();
        if (earlyTarget > 0 && !resource.equals(earlyResource)) {
            LOG.info("The driver wants executors of {}, not the {} asked for early: releasing those", resource,
                    earlyResource);
            granted.forEach(container -> amrm.releaseAssignedContainer(container.getId()));
            granted.clear();
            while (!pending.isEmpty()) {
                amrm.removeContainerRequest(pending.poll());
            }
        }
        earlyTarget = 0;
        return granted;
    }

    /** The provisioner of one driver, with that driver's configuration. */
    public ExecutorProvisioner provisioner(SpindleConf conf) {
        return new Provisioner(conf);
    }

    /** Executors running or being launched now. */
    public synchronized int liveExecutors() {
        return containers.size() + adopted.size();
    }

    /**
     * Takes over the executor containers an earlier ApplicationMaster attempt left running (YARN keeps them across
     * attempts): they count as running while their executors find this attempt's driver and register again.
     */
    public synchronized void adopt(List<Container> previous) {
        for (Container container : previous) {
            adopted.put(container.getId(), container);
        }
        if (!previous.isEmpty()) {
            adoptedSettled = new CompletableFuture<>();
            LOG.info("Adopted {} executor container(s) of an earlier attempt: {}", previous.size(),
                    previous.stream().map(c -> c.getId().toString()).toList());
        }
    }

    /**
     * Completes when every adopted container's executor registered again or its container ended; see
     * {@link #releaseUnreturned}.
     */
    public synchronized CompletableFuture<Void> adoptedSettled() {
        return adoptedSettled;
    }

    /** Releases the adopted containers whose executors did not come back; new ones replace them. */
    public synchronized void releaseUnreturned(String reason) {
        for (ContainerId id : List.copyOf(adopted.keySet())) {
            LOG.warn("Releasing container {} of an earlier attempt: its executor did not come back ({})", id, reason);
            released.add(id);
            amrm.releaseAssignedContainer(id);
            adopted.remove(id);
        }
        settleAdopted();
        if (active != null) {
            reconcile();
        }
    }

    private void settleAdopted() {
        if (adopted.isEmpty()) {
            adoptedSettled.complete(null);
        }
    }

    /** The first executor id of this attempt: attempt 1 counts 1, 2, ...; attempt n counts n.1, n.2, ... */
    private ExecutorId newExecutorId() {
        int n = nextExecutorId++;
        return new ExecutorId(settings.attempt() == 1 ? Integer.toString(n) : settings.attempt() + "." + n);
    }

    private final class Provisioner implements ExecutorProvisioner {
        private final SpindleConf conf;

        Provisioner(SpindleConf conf) {
            this.conf = requireNonNull(conf, "conf is null");
        }

        @Override
        public Optional<AppSecret> appSecret() {
            return Optional.of(settings.secret());
        }

        @Override
        public boolean wantsClassArchive() {
            return launches.startedArchiveWriters();
        }

        @Override
        public void start(DriverEndpoint endpoint, Callbacks callbacks) {
            LocalResource executorConf = uploadExecutorConf(endpoint);
            Resource resource = executorResource(conf);
            int target = SpindleConfig.initialExecutors(conf);
            synchronized (YarnAllocator.this) {
                gaveUp = false;
                active = new Active(endpoint, callbacks, conf, resource, target,
                        ContainerSizes.executorMaxFailures(conf), executorConf, new int[1]);
                List<Container> granted = takeEarly(resource);
                if (granted.isEmpty() && pending.isEmpty()) {
                    LOG.info("Requesting {} executor containers of {} MB and {} vcores", target,
                            resource.getMemorySize(), resource.getVirtualCores());
                }
                for (Container container : granted) {
                    if (liveContainers() < target) {
                        launch(container);
                    } else {
                        amrm.releaseAssignedContainer(container.getId());
                    }
                }
                reconcile();
            }
        }

        @Override
        public void pendingTasksByHost(Map<String, Integer> tasksPerHost) {
            synchronized (YarnAllocator.this) {
                pendingTasksByHost = Map.copyOf(tasksPerHost);
            }
        }

        @Override
        public int expectedCores() {
            return SpindleConfig.initialExecutors(conf) * conf.get(SpindleConfig.EXECUTOR_CORES);
        }

        @Override
        public boolean requestTotal(int total) {
            synchronized (YarnAllocator.this) {
                if (active == null) {
                    return false;
                }
                if (total != active.target()) {
                    LOG.info("Executor target {} -> {}: {} running or launching, {} requested", active.target(), total,
                            containers.size() + adopted.size(), pending.size());
                    active = active.withTarget(total);
                    reconcile();
                }
                return true;
            }
        }

        @Override
        public int executorLimit() {
            synchronized (YarnAllocator.this) {
                return active == null ? Integer.MAX_VALUE : obtainable(amrm.getAvailableResources());
            }
        }

        @Override
        public void release(ExecutorId id, String reason) {
            synchronized (YarnAllocator.this) {
                Container container = containers.get(id);
                if (container != null) {
                    LOG.info("Releasing the container {} of executor {}: {}", container.getId(), id.id(), reason);
                    releaseContainer(container.getId());
                }
            }
        }

        @Override
        public boolean launched(ExecutorId id, String containerId) {
            synchronized (YarnAllocator.this) {
                if (containers.containsKey(id)) {
                    return true;
                }
                if (containerId.isEmpty()) {
                    return false;
                }
                Container container = adopted.remove(ContainerId.fromString(containerId));
                if (container == null) {
                    return false;
                }
                containers.put(id, container);
                executorsByContainer.put(container.getId(), id);
                LOG.info("Executor {} in container {} of an earlier attempt came back", id.id(), containerId);
                settleAdopted();
                return true;
            }
        }

        @Override
        public void kill(ExecutorId id) {
            synchronized (YarnAllocator.this) {
                Container container = containers.get(id);
                if (container != null) {
                    LOG.info("Releasing the container {} of executor {}", container.getId(), id.id());
                    releaseContainer(container.getId());
                }
            }
        }

        @Override
        public void close() {
            synchronized (YarnAllocator.this) {
                active = null;
                while (!pending.isEmpty()) {
                    amrm.removeContainerRequest(pending.poll());
                }
                for (Container container : containers.values()) {
                    releaseContainer(container.getId());
                }
            }
        }
    }

    /** Writes the driver's resolved configuration where its executors localize it. */
    private LocalResource uploadExecutorConf(ExecutorProvisioner.DriverEndpoint endpoint) {
        int n;
        synchronized (this) {
            n = ++driverCount;
        }
        return launches.uploadExecutorConf(endpoint, n);
    }

    /** Brings outstanding requests to the target minus the executors running or launching. Holds this. */
    private void reconcile() {
        int target = active == null || gaveUp ? 0 : active.target();
        int missing = target - liveContainers() - adopted.size() - pending.size();
        if (missing > 0 && !pendingTasksByHost.isEmpty()) {
            LOG.info("Requesting {} executor container(s) preferring hosts {}", missing,
                    java.util.Arrays.toString(containerRequest(active.resource(), pendingTasksByHost).getNodes()
                            .toArray()));
        }
        for (int i = 0; i < missing; i++) {
            ContainerRequest request = containerRequest(active.resource(), pendingTasksByHost);
            amrm.addContainerRequest(request);
            pending.add(request);
        }
        for (int i = 0; i > missing && !pending.isEmpty(); i--) {
            amrm.removeContainerRequest(pending.pollLast());
        }
        adjustHeartbeat();
    }

    /**
     * The executor containers this application could hold now: those it has (launched or adopted) plus as many as
     * fit in the queue's {@code headroom} (the last heartbeat's; null before the first: no limit). Counted in
     * memory, which every YARN scheduler accounts for, with a granted container's size (the scheduler rounds asks
     * up). Holds this.
     */
    private int obtainable(Resource headroom) {
        if (headroom == null) {
            return Integer.MAX_VALUE;
        }
        long size = containers.values().stream().findAny().map(c -> c.getResource().getMemorySize())
                .orElse(active.resource().getMemorySize());
        long fit = Math.max(0, headroom.getMemorySize()) / Math.max(1, size);
        return (int) Math.min(Integer.MAX_VALUE, liveContainers() + adopted.size() + fit);
    }

    /** Executor containers launched and not released (a released one counts until YARN reports its end). */
    private int liveContainers() {
        int live = 0;
        for (Container container : containers.values()) {
            if (!released.contains(container.getId())) {
                live++;
            }
        }
        return live;
    }

    /**
     * A request for one executor container that prefers the hosts most pending tasks want (their input's block
     * locations), at most {@link #MAX_PREFERRED_HOSTS} of them; YARN falls back to any host when none is free.
     */
    static ContainerRequest containerRequest(Resource resource, Map<String, Integer> pendingTasksByHost) {
        if (pendingTasksByHost.isEmpty()) {
            return new ContainerRequest(resource, null, null, PRIORITY);
        }
        String[] hosts = pendingTasksByHost.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(MAX_PREFERRED_HOSTS).map(Map.Entry::getKey).toArray(String[]::new);
        return new ContainerRequest(resource, hosts, null, PRIORITY, true);
    }

    private void adjustHeartbeat() {
        amrm.setHeartbeatInterval(pending.isEmpty() ? IDLE_HEARTBEAT_MILLIS : EAGER_HEARTBEAT_MILLIS);
    }

    private void releaseContainer(ContainerId id) {
        released.add(id);
        amrm.releaseAssignedContainer(id);
    }

    private synchronized void allocated(List<Container> granted) {
        for (Container container : granted) {
            if (active == null && !gaveUp && early.size() < earlyTarget) {
                // For the driver that is starting: launched once it has (see requestEarly).
                early.add(container);
                ContainerRequest request = pending.poll();
                if (request != null) {
                    amrm.removeContainerRequest(request);
                }
                continue;
            }
            if (active == null || gaveUp || liveContainers() + adopted.size() >= active.target()) {
                LOG.info("Releasing surplus container {} on {}", container.getId(), container.getNodeId());
                amrm.releaseAssignedContainer(container.getId());
                continue;
            }
            ContainerRequest request = pending.poll();
            if (request != null) {
                amrm.removeContainerRequest(request);
            }
            launch(container);
        }
        adjustHeartbeat();
    }

    /** Starts an executor of the active driver in {@code container}, granted for it. Holds this. */
    private void launch(Container container) {
        ExecutorId id = newExecutorId();
        executorsByContainer.put(container.getId(), id);
        containers.put(id, container);
        LOG.info("Launching executor {} in container {} on {} ({} MB, {} vcores)", id.id(), container.getId(),
                container.getNodeId().getHost(), container.getResource().getMemorySize(),
                container.getResource().getVirtualCores());
        try {
            Active driver = active;
            nm.startContainerAsync(container, launches.context(id, container, driver.conf(), driver.endpoint(),
                    driver.executorConf()));
        } catch (RuntimeException e) {
            startFailed(container.getId(), e);
        }
    }

    private synchronized void completed(List<ContainerStatus> statuses) {
        for (ContainerStatus status : statuses) {
            ContainerId containerId = status.getContainerId();
            boolean ours = released.remove(containerId);
            if (adopted.remove(containerId) != null) {
                LOG.warn("Container {} of an earlier attempt ended before its executor came back: {}", containerId,
                        ContainerExits.classify(status.getExitStatus(), status.getDiagnostics(), ours).message());
                settleAdopted();
                continue;
            }
            ExecutorId id = executorsByContainer.remove(containerId);
            if (id == null) {
                continue; // a surplus grant we released
            }
            containers.remove(id);
            ContainerExits.Exit exit = active == null
                    ? ContainerExits.classify(status.getExitStatus(), status.getDiagnostics(), ours)
                    : ContainerExits.classify(status.getExitStatus(), status.getDiagnostics(), ours,
                            new ContainerExits.ExecutorMemory(ContainerSizes.executorHeapMb(active.conf()),
                                    ContainerSizes.executorOverheadMb(active.conf())));
            String line = "Executor " + id.id() + " in container " + containerId + " " + exit.message();
            if (exit.kind() == ContainerExits.Kind.RELEASED) {
                LOG.info(line);
            } else {
                LOG.warn(line);
            }
            if (exit.countsAsFailure()) {
                remember(line);
            }
            Active driver = active;
            if (driver == null || ours) {
                continue;
            }
            driver.callbacks().executorExited(id, exit.message());
            if (exit.countsAsFailure()) {
                countFailure(driver, "executor " + id.id() + " " + exit.message());
            }
        }
        if (active != null) {
            reconcile();
        }
    }

    /** Counts a failed container against spindle.executor.maxFailures; at the limit, stops asking and gives up. */
    private void countFailure(Active driver, String last) {
        if (++driver.failures()[0] >= driver.maxFailures()) {
            gaveUp = true;
            driver.callbacks().gaveUp(driver.failures()[0] + " executor containers failed, the limit "
                    + "(spindle.executor.maxFailures) is " + driver.maxFailures() + "; the last: " + last);
        }
    }

    private void remember(String failure) {
        if (recentFailures.size() == RECENT_FAILURES) {
            recentFailures.poll();
        }
        recentFailures.add(failure);
    }

    /**
     * The last executor container failures, oldest first: a failed application's diagnostics carry them, as the
     * driver often learns of a lost executor (its connection closed) before YARN says why its container ended.
     */
    public synchronized List<String> recentFailures() {
        return List.copyOf(recentFailures);
    }

    private synchronized void startFailed(ContainerId containerId, Throwable error) {
        ExecutorId id = executorsByContainer.remove(containerId);
        if (id == null) {
            return;
        }
        containers.remove(id);
        amrm.releaseAssignedContainer(containerId);
        LOG.warn("Executor {} could not be started in container {}: {}", id.id(), containerId, error.toString());
        remember("Executor " + id.id() + " could not be started in container " + containerId + ": " + error);
        Active driver = active;
        if (driver != null) {
            driver.callbacks().executorExited(id, "its container could not be started: " + error);
            countFailure(driver, "could not be started: " + error);
            reconcile();
        }
    }

    private synchronized void fatal(String reason) {
        Active driver = active;
        LOG.error(reason);
        if (driver != null) {
            driver.callbacks().gaveUp(reason);
        }
    }

    /** The ResourceManager's callbacks, as its client calls them (tests call them as a ResourceManager would). */
    AMRMClientAsync.AbstractCallbackHandler rmCallbacks() {
        return rmCallbacks;
    }

    private final class RmCallbacks extends AMRMClientAsync.AbstractCallbackHandler {
        @Override
        public void onContainersAllocated(List<Container> granted) {
            allocated(granted);
        }

        @Override
        public void onContainersCompleted(List<ContainerStatus> statuses) {
            completed(statuses);
        }

        @Override
        public void onContainersUpdated(List<org.apache.hadoop.yarn.api.records.UpdatedContainer> containers) {
        }

        @Override
        public void onShutdownRequest() {
            fatal("the ResourceManager asked this ApplicationMaster to shut down (it no longer knows the attempt)");
        }

        @Override
        public void onNodesUpdated(List<NodeReport> updatedNodes) {
        }

        @Override
        public float getProgress() {
            return progress.get();
        }

        @Override
        public void onError(Throwable e) {
            fatal("lost the ResourceManager: " + e);
        }
    }

    private final class NmCallbacks extends NMClientAsync.AbstractCallbackHandler {
        @Override
        public void onContainerStarted(ContainerId containerId, Map<String, ByteBuffer> allServiceResponse) {
            LOG.debug("Container {} started", containerId);
        }

        @Override
        public void onContainerStatusReceived(ContainerId containerId, ContainerStatus containerStatus) {
        }

        @Override
        public void onContainerStopped(ContainerId containerId) {
        }

        @Override
        public void onStartContainerError(ContainerId containerId, Throwable t) {
            startFailed(containerId, t);
        }

        @Override
        public void onContainerResourceIncreased(ContainerId containerId, Resource resource) {
        }

        @Override
        public void onContainerResourceUpdated(ContainerId containerId, Resource resource) {
        }

        @Override
        public void onGetContainerStatusError(ContainerId containerId, Throwable t) {
        }

        @Override
        public void onIncreaseContainerResourceError(ContainerId containerId, Throwable t) {
        }

        @Override
        public void onUpdateContainerResourceError(ContainerId containerId, Throwable t) {
        }

        @Override
        public void onStopContainerError(ContainerId containerId, Throwable t) {
        }
    }
}
