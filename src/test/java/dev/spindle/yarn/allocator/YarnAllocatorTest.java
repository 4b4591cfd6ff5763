package dev.spindle.yarn.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.cluster.ExecutorCommand;
import dev.spindle.cluster.ExecutorProvisioner;
import dev.spindle.common.ExecutorId;
import dev.spindle.config.SpindleConf;
import dev.spindle.rpc.AppSecret;
import dev.spindle.yarn.StagedResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.protocolrecords.RegisterApplicationMasterResponse;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptId;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerExitStatus;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.ContainerState;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.NodeId;
import org.apache.hadoop.yarn.api.records.Priority;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.api.records.UpdateContainerRequest;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.client.api.async.AMRMClientAsync;
import org.apache.hadoop.yarn.client.api.async.NMClientAsync;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The allocator against fake ResourceManager and NodeManager clients: requests, launches, surplus, exits. */
class YarnAllocatorTest {
    private static final ApplicationAttemptId ATTEMPT =
            ApplicationAttemptId.newInstance(ApplicationId.newInstance(1_700_000_000_000L, 1), 1);

    @TempDir
    Path dir;

    /** Records what the allocator asks of the ResourceManager. */
    private static final class FakeRm extends AMRMClientAsync<ContainerRequest> {
        final List<ContainerRequest> requests = new ArrayList<>();
        final List<ContainerId> released = new ArrayList<>();
        Resource headroom;

        FakeRm(AbstractCallbackHandler handler) {
            super(1000, handler);
        }

        @Override
        public List<? extends Collection<ContainerRequest>> getMatchingRequests(Priority priority, String resourceName,
                Resource capability) {
            return List.of();
        }

        @Override
        public RegisterApplicationMasterResponse registerApplicationMaster(String host, int port, String url) {
            return null;
        }

        @Override
        public void unregisterApplicationMaster(FinalApplicationStatus status, String message, String url) {
        }

        @Override
        public void addContainerRequest(ContainerRequest request) {
            requests.add(request);
        }

        @Override
        public void removeContainerRequest(ContainerRequest request) {
            assertThat(requests.remove(request)).as("removing a request that was added").isTrue();
        }

        @Override
        public void requestContainerUpdate(Container container, UpdateContainerRequest request) {
        }

        @Override
        public void releaseAssignedContainer(ContainerId containerId) {
            released.add(containerId);
        }

        @Override
        public Resource getAvailableResources() {
            return headroom;
        }

        @Override
        public int getClusterNodeCount() {
            return 2;
        }

        @Override
        public void updateBlacklist(List<String> additions, List<String> removals) {
        }
    }

    /** Records container launches. */
    private static final class FakeNm extends NMClientAsync {
        final Map<ContainerId, ContainerLaunchContext> started = new java.util.LinkedHashMap<>();

        FakeNm(AbstractCallbackHandler handler) {
            super(handler);
        }

        @Override
        public void startContainerAsync(Container container, ContainerLaunchContext context) {
            started.put(container.getId(), context);
        }

        @Override
        public void increaseContainerResourceAsync(Container container) {
        }

        @Override
        public void updateContainerResourceAsync(Container container) {
        }

        @Override
        public void reInitializeContainerAsync(ContainerId id, ContainerLaunchContext context, boolean autoCommit) {
        }

        @Override
        public void restartContainerAsync(ContainerId id) {
        }

        @Override
        public void rollbackLastReInitializationAsync(ContainerId id) {
        }

        @Override
        public void commitLastReInitializationAsync(ContainerId id) {
        }

        @Override
        public void stopContainerAsync(ContainerId id, NodeId nodeId) {
        }

        @Override
        public void getContainerStatusAsync(ContainerId id, NodeId nodeId) {
        }
    }

    private final List<String> exited = new ArrayList<>();
    private final List<String> gaveUp = new ArrayList<>();

    private static Container container(int n, String host) {
        return Container.newInstance(ContainerId.newContainerId(ATTEMPT, n), NodeId.newInstance(host, 8041),
                host + ":8042", Resource.newInstance(1024, 1), Priority.newInstance(1), null);
    }

    private static ContainerStatus completed(Container container, int exitStatus, String diagnostics) {
        return ContainerStatus.newInstance(container.getId(), ContainerState.COMPLETE, diagnostics, exitStatus);
    }

    /** An allocator of attempt 1 with fake ResourceManager and NodeManager clients attached. */
    private record Attached(YarnAllocator allocator, FakeRm rm, FakeNm nm) {
    }

    private Attached attached() {
        return attached(1);
    }

    /** An allocator of ApplicationMaster attempt {@code attempt}, staging under the test's directory. */
    private Attached attached(int attempt) {
        Configuration hadoop = new Configuration(false);
        FakeRm[] rm = new FakeRm[1];
        FakeNm[] nm = new FakeNm[1];
        try {
            YarnAllocator allocator = new YarnAllocator(new YarnAllocator.Settings(hadoop, FileSystem.getLocal(hadoop),
                    new org.apache.hadoop.fs.Path(dir.resolve("staging").toUri()), new StagedResources(List.of()),
                    AppSecret.generate(), attempt), (rmCallbacks, nmCallbacks) -> new YarnAllocator.Clients(
                            rm[0] = new FakeRm(rmCallbacks), nm[0] = new FakeNm(nmCallbacks)));
            return new Attached(allocator, rm[0], nm[0]);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A provisioner of {@code allocator} for a driver with {@code conf}, started; exits and give-ups recorded. */
    private ExecutorProvisioner start(YarnAllocator allocator, Map<String, String> conf) throws IOException {
        Path confFile = Files.writeString(dir.resolve("driver.conf"), "spindle.master=yarn\n");
        ExecutorProvisioner provisioner = allocator.provisioner(SpindleConf.of(conf));
        provisioner.start(new ExecutorProvisioner.DriverEndpoint("driverhost", 7077, "", confFile.toString()),
                new ExecutorProvisioner.Callbacks() {
                    @Override
                    public void executorExited(ExecutorId id, String reason) {
                        exited.add(id.id() + ": " + reason);
                    }

                    @Override
                    public void gaveUp(String reason) {
                        gaveUp.add(reason);
                    }
                });
        return provisioner;
    }

    @Test
    void aDynamicTargetGrowsWithdrawsUngrantedRequestsAndReleasedExecutorsAreNeitherFailuresNorReplaced()
            throws IOException {
        Attached t = attached(1);
        YarnAllocator allocator = t.allocator();
        FakeRm rm = t.rm();
        FakeNm nm = t.nm();
        ExecutorProvisioner provisioner = start(allocator, Map.of("spindle.dynamicAllocation.enabled", "true",
                "spindle.dynamicAllocation.minExecutors", "1", "spindle.executor.memory", "1g"));
        assertThat(rm.requests).as("the minimum to start with").hasSize(1);
        Container a = container(2, "nm1");
        allocator.rmCallbacks().onContainersAllocated(List.of(a));
        assertThat(rm.requests).isEmpty();

        assertThat(provisioner.requestTotal(5)).isTrue();
        assertThat(rm.requests).hasSize(4);
        Container b = container(3, "nm2");
        allocator.rmCallbacks().onContainersAllocated(List.of(b));
        assertThat(rm.requests).hasSize(3);
        // The backlog is gone before the rest is granted: the requests go, no grant comes only to be released.
        assertThat(provisioner.requestTotal(1)).isTrue();
        assertThat(rm.requests).isEmpty();
        assertThat(rm.released).isEmpty();
        assertThat(allocator.liveExecutors()).as("running executors above the target stay").isEqualTo(2);

        provisioner.release(new ExecutorId("2"), "released by dynamic allocation (idle for 60000 ms)");
        assertThat(rm.released).containsExactly(b.getId());
        allocator.rmCallbacks().onContainersCompleted(List.of(completed(b, ContainerExitStatus.ABORTED, "")));
        assertThat(exited).as("no loss reported for a released executor").isEmpty();
        assertThat(rm.requests).as("not replaced: one runs, the target is one").isEmpty();
        assertThat(gaveUp).isEmpty();
        assertThat(allocator.liveExecutors()).isEqualTo(1);
    }

    @Test
    void executorsAskedForWhileTheDriverStartsAreLaunchedWhenItHas() throws IOException {
        Attached t = attached();
        Map<String, String> conf = Map.of("spindle.executor.instances", "3", "spindle.executor.memory", "1g");
        t.allocator().requestEarly(SpindleConf.of(conf));
        assertThat(t.rm().requests).hasSize(3);
        Container a = container(2, "nm1");
        Container b = container(3, "nm2");
        t.allocator().rmCallbacks().onContainersAllocated(List.of(a, b));
        assertThat(t.nm().started).as("no driver to point them at yet").isEmpty();
        assertThat(t.rm().released).as("held for the driver").isEmpty();
        assertThat(t.rm().requests).hasSize(1);

        start(t.allocator(), conf);
        assertThat(t.nm().started).containsOnlyKeys(a.getId(), b.getId());
        assertThat(t.rm().requests).as("the third, still asked for: none asked twice").hasSize(1);
        Container c = container(4, "nm1");
        t.allocator().rmCallbacks().onContainersAllocated(List.of(c));
        assertThat(t.nm().started).containsOnlyKeys(a.getId(), b.getId(), c.getId());
        assertThat(t.rm().requests).isEmpty();
        assertThat(t.allocator().liveExecutors()).isEqualTo(3);
    }

    @Test
    void executorJvmsGetTheDefaultJavaOptionsThenTheUsersWhichWinWhereBothSetOne() throws IOException {
        Attached t = attached();
        start(t.allocator(), Map.of("spindle.executor.instances", "1",
                "spindle.executor.extraJavaOptions", "-XX:Tier4InvocationThreshold=5000 -Xss2m"));
        Container a = container(2, "nm1");
        t.allocator().rmCallbacks().onContainersAllocated(List.of(a));
        assertThat(t.nm().started.get(a.getId()).getCommands().get(0))
                .contains("'-XX:Tier4BackEdgeThreshold=120000' '-XX:Tier4InvocationThreshold=5000' '-Xss2m'");

        Attached plain = attached();
        start(plain.allocator(), Map.of("spindle.executor.instances", "1", "spindle.executor.defaultJavaOptions", ""));
        Container b = container(3, "nm1");
        plain.allocator().rmCallbacks().onContainersAllocated(List.of(b));
        assertThat(plain.nm().started.get(b.getId()).getCommands().get(0)).contains("'-Xmx").doesNotContain("Tier4");
    }

    @Test
    void earlyContainersOfAnotherSizeThanTheDriverWantsGoBack() throws IOException {
        Attached t = attached();
        t.allocator().requestEarly(SpindleConf.of(Map.of("spindle.executor.instances", "2")));
        Container a = container(2, "nm1");
        t.allocator().rmCallbacks().onContainersAllocated(List.of(a));
        start(t.allocator(), Map.of("spindle.executor.instances", "2", "spindle.executor.memory", "2g"));
        assertThat(t.rm().released).containsExactly(a.getId());
        assertThat(t.nm().started).isEmpty();
        assertThat(t.rm().requests).as("two of the driver's size").hasSize(2)
                .allSatisfy(r -> assertThat(r.getCapability().getMemorySize()).isEqualTo(2048 + 384));
    }

    @Test
    void theExecutorLimitIsTheContainersHeldPlusWhatTheQueuesHeadroomHoldsAtTheGrantedSize() throws IOException {
        Attached t = attached(1);
        YarnAllocator allocator = t.allocator();
        FakeRm rm = t.rm();
        ExecutorProvisioner provisioner = start(allocator, Map.of("spindle.dynamicAllocation.enabled", "true",
                "spindle.dynamicAllocation.minExecutors", "2", "spindle.executor.memory", "512m"));
        assertThat(provisioner.executorLimit()).as("no heartbeat yet: no limit").isEqualTo(Integer.MAX_VALUE);
        // Asked 512 + 384 MB; the scheduler rounds that up to 1024 MB, which the granted containers show.
        allocator.rmCallbacks().onContainersAllocated(List.of(container(2, "nm1"), container(3, "nm2")));
        rm.headroom = Resource.newInstance(3 * 1024 + 512, 1);
        assertThat(provisioner.executorLimit()).as("2 held + 3 that fit").isEqualTo(5);
        rm.headroom = Resource.newInstance(-100, 0);
        assertThat(provisioner.executorLimit()).as("a queue over its share").isEqualTo(2);
    }

    @Test
    void keepsTheTargetReleasesSurplusReplacesFailuresAndGivesUpPastTheLimit() throws IOException {
        Attached t = attached(1);
        YarnAllocator allocator = t.allocator();
        FakeRm rm = t.rm();
        FakeNm nm = t.nm();
        ExecutorProvisioner provisioner = start(allocator, Map.of("spindle.executor.instances", "2",
                "spindle.executor.memory", "1g", "spindle.executor.cores", "2", "spindle.executor.maxFailures", "2"));
        assertThat(rm.requests).hasSize(2);
        assertThat(rm.requests.get(0).getCapability()).isEqualTo(Resource.newInstance(1024 + 384, 2));

        // Three grants for two wanted: two launch, the third goes back.
        Container a = container(2, "nm1");
        Container b = container(3, "nm2");
        Container surplus = container(4, "nm1");
        allocator.rmCallbacks().onContainersAllocated(List.of(a, b, surplus));
        assertThat(nm.started).containsOnlyKeys(a.getId(), b.getId());
        assertThat(rm.released).containsExactly(surplus.getId());
        assertThat(rm.requests).isEmpty();
        assertThat(allocator.liveExecutors()).isEqualTo(2);
        assertThat(provisioner.launched(new ExecutorId("1"), "")).isTrue();
        String command = nm.started.get(a.getId()).getCommands().get(0);
        assertThat(command).contains("'--executor-id' '1'").contains("'--driver' 'driverhost:7077'")
                .contains("'--secret-from-credentials'").contains("-Xmx1024m")
                .contains("'-XX:Tier4InvocationThreshold=15000' '-XX:Tier4CompileThreshold=45000' "
                        + "'-XX:Tier4BackEdgeThreshold=120000'")
                .doesNotContain("--secret-file");
        assertThat(nm.started.get(a.getId()).getTokens()).isNotNull();

        // The surplus container's completion is not an executor's.
        allocator.rmCallbacks().onContainersCompleted(List.of(completed(surplus, ContainerExitStatus.ABORTED, "")));
        assertThat(exited).isEmpty();

        // A failed executor is reported with its reason and replaced.
        allocator.rmCallbacks().onContainersCompleted(List.of(completed(a, 137, "killed")));
        assertThat(exited).singleElement().asString().startsWith("1: exited with code 137 (SIGKILL)");
        assertThat(rm.requests).hasSize(1);
        assertThat(gaveUp).isEmpty();

        // One the driver asked to kill is released, not counted, and replaced too.
        provisioner.kill(new ExecutorId("2"));
        assertThat(rm.released).contains(b.getId());
        allocator.rmCallbacks().onContainersCompleted(List.of(completed(b, ContainerExitStatus.ABORTED, "")));
        assertThat(exited).hasSize(1);
        assertThat(rm.requests).hasSize(2);

        // The second failure reaches spindle.executor.maxFailures=2.
        Container c = container(5, "nm2");
        allocator.rmCallbacks().onContainersAllocated(List.of(c));
        allocator.rmCallbacks().onContainersCompleted(List.of(completed(c,
                ContainerExitStatus.KILLED_EXCEEDED_PMEM, "Current usage: 1.2 GB of 1 GB physical memory used")));
        assertThat(gaveUp).singleElement().asString().contains("2 executor containers failed")
                .contains("spindle.executor.maxFailures").contains("1.2 GB of 1 GB physical memory used");
        assertThat(allocator.recentFailures()).hasSize(2);
        assertThat(rm.requests).as("no more containers once the application gave up").isEmpty();

        provisioner.close();
        assertThat(rm.requests).isEmpty();
    }

    @Test
    void adoptsAnEarlierAttemptsContainersAndReplacesThoseWhoseExecutorsDoNotComeBack() throws IOException {
        Attached t = attached(2);
        YarnAllocator allocator = t.allocator();
        FakeRm rm = t.rm();
        FakeNm nm = t.nm();
        Container back = container(2, "nm1");
        Container gone = container(3, "nm2");
        allocator.adopt(List.of(back, gone));
        assertThat(allocator.adoptedSettled()).isNotDone();
        ExecutorProvisioner provisioner = start(allocator, Map.of("spindle.executor.instances", "2",
                "spindle.executor.memory", "1g"));
        assertThat(rm.requests).as("the adopted containers count as running").isEmpty();

        // An executor of the earlier attempt registers from its container; a stranger is refused.
        assertThat(provisioner.launched(new ExecutorId("1"), back.getId().toString())).isTrue();
        assertThat(provisioner.launched(new ExecutorId("1"), "")).isTrue();
        assertThat(provisioner.launched(new ExecutorId("5"), container(9, "nm1").getId().toString())).isFalse();
        assertThat(allocator.adoptedSettled()).isNotDone();

        // The other never comes back: released and replaced by a new executor with this attempt's ids.
        allocator.releaseUnreturned("not back within the timeout");
        assertThat(allocator.adoptedSettled()).isDone();
        assertThat(rm.released).containsExactly(gone.getId());
        assertThat(rm.requests).hasSize(1);
        Container fresh = container(4, "nm2");
        allocator.rmCallbacks().onContainersAllocated(List.of(fresh));
        assertThat(nm.started.get(fresh.getId()).getCommands().get(0)).contains("'--executor-id' '2.1'");
        assertThat(nm.started.get(fresh.getId()).getEnvironment().get(ExecutorCommand.DRIVER_ENDPOINT_FILE_ENV))
                .endsWith("staging/driver-endpoint");
        allocator.rmCallbacks().onContainersCompleted(List.of(completed(gone, ContainerExitStatus.ABORTED, "")));
        assertThat(exited).isEmpty();
        assertThat(allocator.liveExecutors()).isEqualTo(2);
        provisioner.close();
    }
}
