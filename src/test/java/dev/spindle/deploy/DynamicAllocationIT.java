package dev.spindle.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.deploy.ClusterRuns.Run;
import dev.spindle.scheduler.spi.SchedulerEvent;
import dev.spindle.yarn.mini.EmbeddedCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dynamic allocation and the NodeManagers' shuffle service on MiniYARNCluster, watched through YARN's own reports
 * (the containers the ResourceManager counts for the application, its ApplicationMaster's among them): a 200-task
 * stage grows the executors from the minimum to the maximum, and after the job the idle ones go back down to the
 * minimum; with the service, executors released or killed after writing map output cost no map task.
 */
@Timeout(600)
class DynamicAllocationIT {
    private static final String CLUSTER = "dynamic-allocation-it";

    /**
     * {@code it.DynamicJob MARKERS MODE}. {@code wide}: waits for {@code MARKERS/start}, then counts 200 partitions
     * whose tasks each wait for {@code MARKERS/open}; writes {@code MARKERS/counted-<n>} and waits for
     * {@code MARKERS/finish}. {@code shuffle}: counts a shuffle of 4 map and 2 reduce tasks
     * ({@code MARKERS/counted-<keys>}), and once {@code MARKERS/again} exists reads it again
     * ({@code MARKERS/read-<sum>}). {@code thousand}: runs 1,000 jobs, each a new shuffle of a cached dataset with a
     * new broadcast value, while one shuffle stays reachable; writes {@code MARKERS/state-<peak>-<last>} (the driver's
     * per-shuffle state, most at every 100th job and once the unreachable ones are cleaned), waits for
     * {@code MARKERS/again}, then counts the kept shuffle again ({@code MARKERS/kept-<keys>}).
     */
    private static final String PROGRAM = """
            package it;

            import dev.spindle.api.Broadcast;
            import dev.spindle.api.Context;
            import dev.spindle.api.Dataset;
            import dev.spindle.api.PairDataset;
            import dev.spindle.common.Pair;
            import java.util.stream.Collectors;
            import java.util.stream.IntStream;
            import org.apache.hadoop.conf.Configuration;
            import org.apache.hadoop.fs.FileSystem;
            import org.apache.hadoop.fs.Path;

            public class DynamicJob {
                public static void main(String[] args) throws Exception {
                    String markers = args[0];
                    FileSystem fs = new Path(markers).getFileSystem(new Configuration());
                    try (Context ctx = Context.create()) {
                        if (args[1].equals("wide")) {
                            await(markers, "start");
                            long count = ctx.parallelize(IntStream.range(0, 200).boxed().collect(Collectors.toList()),
                                    200).map(x -> {
                                        await(markers, "open");
                                        return x;
                                    }).count();
                            fs.createNewFile(new Path(markers, "counted-" + count));
                            await(markers, "finish");
                        } else if (args[1].equals("thousand")) {
                            thousandJobs(ctx, fs, markers);
                        } else {
                            PairDataset<Integer, Integer> counts = ctx.parallelize(
                                    IntStream.range(0, 10_000).boxed().collect(Collectors.toList()), 4)
                                    .mapToPair(x -> Pair.of(x % 100, 1)).reduceByKey(Integer::sum, 2);
                            fs.createNewFile(new Path(markers, "counted-" + counts.count()));
                            await(markers, "again");
                            int sum = counts.collectAsMap().values().stream().mapToInt(Integer::intValue).sum();
                            fs.createNewFile(new Path(markers, "read-" + sum));
                        }
                    }
                }

                static void thousandJobs(Context ctx, FileSystem fs, String markers) throws Exception {
                    // The driver's per-shuffle state is not public API: the test reads it as ContextCleanerTest does.
                    java.lang.reflect.Method driverOf = Context.class.getDeclaredMethod("driver");
                    driverOf.setAccessible(true);
                    Object driver = driverOf.invoke(ctx);
                    java.lang.reflect.Method shuffleState = driver.getClass().getMethod("shuffleState");
                    Dataset<Integer> cached = ctx.parallelize(IntStream.range(0, 200).boxed()
                            .collect(Collectors.toList()), 2).cache();
                    PairDataset<Integer, Integer> kept = cached.mapToPair(x -> Pair.of(x % 3, 1))
                            .reduceByKey(Integer::sum, 2);
                    kept.count();
                    int peak = 0;
                    for (int job = 0; job < 1_000; job++) {
                        int modulus = 2 + job % 7;
                        Broadcast<Integer> offset = ctx.broadcast(job);
                        long keys = cached.mapToPair(x -> Pair.of((x + offset.value()) % modulus, 1))
                                .reduceByKey(Integer::sum, 2).count();
                        if (keys != modulus) {
                            throw new IllegalStateException("job " + job + " counted " + keys + " keys");
                        }
                        if (job % 100 == 99) {
                            System.gc();
                            peak = Math.max(peak, (Integer) shuffleState.invoke(driver));
                        }
                    }
                    // Unreachable shuffles are cleaned once collected: a condition, checked for at most a minute.
                    long deadline = System.nanoTime() + 60_000_000_000L;
                    while ((Integer) shuffleState.invoke(driver) > 1 && System.nanoTime() < deadline) {
                        System.gc();
                        Thread.sleep(200);
                    }
                    fs.createNewFile(new Path(markers, "state-" + peak + "-" + shuffleState.invoke(driver)));
                    await(markers, "again");
                    fs.createNewFile(new Path(markers, "kept-" + kept.count()));
                }

                /** Waits for a marker of the test: a condition, checked every 50 ms. */
                static void await(String markers, String name) throws Exception {
                    FileSystem fs = new Path(markers).getFileSystem(new Configuration());
                    while (!fs.exists(new Path(markers, name))) {
                        Thread.sleep(50);
                    }
                }
            }
            """;

    private static TestCluster cluster;
    private static FileSystem fs;
    private static ClusterRuns runs;
    private static YarnClient yarn;
    private static Path appJar;

    @BeforeAll
    static void startCluster() throws Exception {
        // The NodeManagers run the shuffle service from its jar alone, as real ones would.
        Configuration overrides = new Configuration(false);
        overrides.set(EmbeddedCluster.SHUFFLE_SERVICE_JAR_KEY, TestJars.shuffleServiceJar().toString());
        cluster = TestCluster.start(CLUSTER, 2, overrides);
        fs = cluster.fs;
        runs = cluster.runs;
        yarn = cluster.yarn;
        appJar = TestJars.build(cluster.work, "dynamic-job.jar", Map.of("it.DynamicJob", PROGRAM));
    }

    @AfterAll
    static void stopCluster() {
        TestCluster.close(cluster);
    }

    @Test
    void aWideStageGrowsTheExecutorsFromTheMinimumToTheMaximumAndIdleOnesGoBackDown() throws Exception {
        String name = "grow-and-shrink";
        String markers = runs.hdfs("/markers/" + name);
        CompletableFuture<Run> run = submit(name, "wide", "spindle.dynamicAllocation.enabled=true",
                "spindle.dynamicAllocation.minExecutors=1", "spindle.dynamicAllocation.maxExecutors=4",
                "spindle.dynamicAllocation.schedulerBacklogTimeout=200ms",
                "spindle.dynamicAllocation.sustainedSchedulerBacklogTimeout=200ms",
                "spindle.dynamicAllocation.executorIdleTimeout=3s");
        List<Integer> seen = new CopyOnWriteArrayList<>();
        try {
            ApplicationReport app = awaitRunning(name, run);
            // Before any task: the ApplicationMaster and the minimum of one executor.
            awaitContainers(app, 2, seen, run);
            marker(name, "start");
            // The 200 waiting tasks: one executor, then two more, then the fourth, and never a fifth.
            awaitContainers(app, 5, seen, run);
            // Counted by the ResourceManager is not yet launched: opened before the fourth executor runs, the tasks
            // could end before the ApplicationMaster takes its container, which it would then send back unused.
            ClusterRuns.registeredExecutorJvms(CLUSTER, app.getApplicationId().toString(), 4, run);
            marker(name, "open");
            Awaitility.await("the count").atMost(Duration.ofMinutes(2))
                    .until(() -> run.isDone() || fs.exists(new org.apache.hadoop.fs.Path(markers, "counted-200")));
            // Idle for 3 s, three executors go; the minimum stays.
            awaitContainers(app, 2, seen, run);
        } finally {
            marker(name, "finish");
        }
        Run done = run.get(3, TimeUnit.MINUTES);
        assertThat(done.exitCode()).as(done.stderr()).isZero();
        // YARN may grant more than asked for a moment (an ask it saw before a withdrawal): such grants are sent back
        // at once, and the count settles at the maximum; Spindle starts no executor beyond it (below).
        assertThat(seen).as("containers the ResourceManager counted (the AM's among them)").contains(2, 5);

        String appId = yarn.getApplications().stream().filter(a -> a.getName().equals(name)).findFirst()
                .orElseThrow().getApplicationId().toString();
        List<SchedulerEvent> events = runs.events(appId);
        assertThat(events.stream().filter(e -> e instanceof SchedulerEvent.ExecutorAdded)).hasSize(4);
        assertThat(ClusterRuns.executorsRemoved(events)).hasSize(3).allSatisfy(removed ->
                assertThat(removed.reason()).startsWith("released by dynamic allocation (idle for "));
        assertThat(ClusterRuns.failedTasks(events)).as("no task failed").isEmpty();
    }

    @Test
    void withoutTheServiceIdleExecutorsHoldingLiveShuffleOutputAreKept() throws Exception {
        String name = "shuffle-held";
        String markers = runs.hdfs("/markers/" + name);
        CompletableFuture<Run> run = submit(name, "shuffle", "spindle.dynamicAllocation.enabled=true",
                "spindle.dynamicAllocation.initialExecutors=2", "spindle.dynamicAllocation.maxExecutors=2",
                "spindle.dynamicAllocation.executorIdleTimeout=2s");
        ApplicationReport app = awaitRunning(name, run);
        awaitFirstCount(markers, run);
        // Idle past the timeout, an executor holding the live shuffle's map output stays.
        Awaitility.await("an executor kept for its map output").atMost(Duration.ofMinutes(1))
                .until(() -> amLog(app).contains("(shuffle-held: it holds map output of live shuffle(s) [0])"));
        assertThat(usedContainers(app)).as("the AM and at least one executor").isGreaterThanOrEqualTo(2);
        List<SchedulerEvent> events = readAgainWithoutMapTasks(name, markers, app, run);
        assertThat(ClusterRuns.failedTasks(events)).as("no fetch failed").isEmpty();
    }

    @Test
    void withTheShuffleServiceReleasedExecutorsMapOutputIsServedAndNoMapTaskRunsAgain() throws Exception {
        String name = "service-release";
        String markers = runs.hdfs("/markers/" + name);
        CompletableFuture<Run> run = submit(name, "shuffle", "spindle.shuffle.service.enabled=true",
                "spindle.dynamicAllocation.enabled=true", "spindle.dynamicAllocation.initialExecutors=2",
                "spindle.dynamicAllocation.maxExecutors=2", "spindle.dynamicAllocation.schedulerBacklogTimeout=200ms",
                "spindle.dynamicAllocation.executorIdleTimeout=2s");
        List<Integer> seen = new CopyOnWriteArrayList<>();
        ApplicationReport app = awaitRunning(name, run);
        awaitFirstCount(markers, run);
        // Idle, both executors go, map output and all: the services hold it.
        awaitContainers(app, 1, seen, run);
        List<SchedulerEvent> events = readAgainWithoutMapTasks(name, markers, app, run);
        assertThat(ClusterRuns.executorsRemoved(events)).hasSizeGreaterThanOrEqualTo(2).allSatisfy(removed ->
                assertThat(removed.reason()).startsWith("released by dynamic allocation (idle for "));
        assertThat(ClusterRuns.failedTasks(events)).as("no fetch failed").isEmpty();
    }

    @Test
    void withTheShuffleServiceAKilledExecutorsMapOutputIsStillServed() throws Exception {
        String name = "service-kill";
        String markers = runs.hdfs("/markers/" + name);
        CompletableFuture<Run> run = submit(name, "shuffle", "spindle.executor.instances=2",
                "spindle.shuffle.service.enabled=true");
        ApplicationReport app = awaitRunning(name, run);
        awaitFirstCount(markers, run);
        ClusterRuns.registeredExecutorJvms(CLUSTER, app.getApplicationId().toString(), 2, run)
                .forEach(ClusterRuns::kill);
        List<SchedulerEvent> events = readAgainWithoutMapTasks(name, markers, app, run);
        assertThat(ClusterRuns.executorsRemoved(events)).as("both killed executors").hasSize(2);
    }

    @Test
    void theMinimumAndMaximumHoldWhileASecondApplicationCompetesForTheQueue() throws Exception {
        // The other application holds six of the cluster's eight 1 GB containers (its AM and five executors).
        String other = "competitor";
        CompletableFuture<Run> otherRun = submit(other, "wide", "spindle.executor.instances=5");
        ApplicationReport otherApp = awaitRunning(other, otherRun);
        awaitContainers(otherApp, 6, new CopyOnWriteArrayList<>(), otherRun);

        String name = "competing";
        CompletableFuture<Run> run = submit(name, "wide", "spindle.dynamicAllocation.enabled=true",
                "spindle.dynamicAllocation.minExecutors=1", "spindle.dynamicAllocation.maxExecutors=3",
                "spindle.dynamicAllocation.schedulerBacklogTimeout=200ms",
                "spindle.dynamicAllocation.sustainedSchedulerBacklogTimeout=200ms");
        List<Integer> seen = new CopyOnWriteArrayList<>();
        try {
            ApplicationReport app = awaitRunning(name, run);
            awaitContainers(app, 2, seen, run);
            marker(name, "start");
            // Its 200 tasks want more executors than the queue has room for: it asks for none the queue cannot
            // give (the headroom YARN reports) and keeps its minimum meanwhile.
            Awaitility.await("the backlog seen").atMost(Duration.ofMinutes(1)).until(() -> amLog(app)
                    .contains("Executor target stays 1: 200 task(s) waiting want 3 executor(s), the queue can give 1"));
            assertThat(usedContainers(app)).as("the minimum, while the queue is full").isEqualTo(2);
            // The other application ends; the queue has room, and the executors grow to the maximum.
            for (String marker : List.of("start", "open", "finish")) {
                marker(other, marker);
            }
            assertThat(otherRun.get(3, TimeUnit.MINUTES).exitCode()).isZero();
            awaitContainers(app, 4, seen, run);
            marker(name, "open");
            Awaitility.await("the count").atMost(Duration.ofMinutes(2))
                    .until(() -> run.isDone() || fs.exists(new org.apache.hadoop.fs.Path("/markers/" + name,
                            "counted-200")));
        } finally {
            for (String marker : List.of("start", "open", "finish")) {
                marker(other, marker);
                marker(name, marker);
            }
        }
        Run done = run.get(3, TimeUnit.MINUTES);
        assertThat(done.exitCode()).as(done.stderr()).isZero();
        List<SchedulerEvent> events = runs.events(yarn.getApplications().stream()
                .filter(a -> a.getName().equals(name)).findFirst().orElseThrow().getApplicationId().toString());
        int alive = 0;
        int most = 0;
        for (SchedulerEvent event : events) {
            if (event instanceof SchedulerEvent.ExecutorAdded) {
                most = Math.max(most, ++alive);
            } else if (event instanceof SchedulerEvent.ExecutorRemoved) {
                alive--;
            }
        }
        assertThat(most).as("executors at once: the maximum").isEqualTo(3);
        assertThat(seen).as("containers the ResourceManager counted").contains(2, 4);
    }

    @Test
    void aThousandJobsLeaveTheDriversShuffleStateAndTheShuffleFilesBounded() throws Exception {
        String name = "thousand-jobs";
        org.apache.hadoop.fs.Path markers = new org.apache.hadoop.fs.Path("/markers/" + name);
        CompletableFuture<Run> run = submit(name, "thousand", "spindle.executor.instances=2",
                "spindle.shuffle.service.enabled=true");
        String appId;
        try {
            ApplicationReport app = awaitRunning(name, run);
            appId = app.getApplicationId().toString();
            org.apache.hadoop.fs.FileStatus state = Awaitility.await("the thousand jobs").atMost(Duration.ofMinutes(4))
                    .until(() -> {
                        if (run.isDone()) {
                            throw new AssertionError("the application ended early: " + run.get().stderr());
                        }
                        return fs.exists(markers) ? java.util.Arrays.stream(fs.listStatus(markers))
                                .filter(f -> f.getPath().getName().startsWith("state-")).findFirst() : Optional.empty();
                    }, Optional::isPresent).map(f -> (org.apache.hadoop.fs.FileStatus) f).orElseThrow();
            String[] counts = state.getPath().getName().split("-");
            assertThat(Integer.parseInt(counts[1])).as("the driver's shuffles, most at every 100th job")
                    .isLessThan(250);
            assertThat(Integer.parseInt(counts[2])).as("the driver's shuffles once the unreachable are cleaned")
                    .isLessThanOrEqualTo(1);
            // The kept shuffle's 2 map outputs (a data and an index file each) are all that stays on the nodes.
            Awaitility.await("the executors' shuffle files cleaned").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(200)).until(() -> shuffleFiles(app).size(), n -> n <= 4);
            marker(name, "again");
        } finally {
            marker(name, "again");
        }
        Run done = run.get(3, TimeUnit.MINUTES);
        assertThat(done.exitCode()).as(done.stderr()).isZero();
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(markers, "kept-3"))).as("the kept shuffle read").isTrue();
        List<SchedulerEvent> events = runs.events(appId);
        List<SchedulerEvent.StageSubmitted> mapStages = events.stream()
                .filter(e -> e instanceof SchedulerEvent.StageSubmitted s && s.shuffleId() >= 0)
                .map(e -> (SchedulerEvent.StageSubmitted) e).toList();
        assertThat(mapStages).as("a map stage per job").hasSize(1_001);
        int keptShuffle = mapStages.get(0).shuffleId();
        assertThat(mapStages).filteredOn(s -> s.shuffleId() == keptShuffle)
                .as("the kept shuffle's map stage ran once: read again, it was still there").hasSize(1);
        // The service logs into its NodeManager's log (through SLF4J, as the NodeManager does).
        Awaitility.await("the service's lines in the NodeManagers' logs").atMost(Duration.ofMinutes(1))
                .until(DynamicAllocationIT::nodeManagerLogs, log -> log.contains(" of " + appId
                        + " registered its map output") && log.contains("Application " + appId + " ended"));
    }

    /** The NodeManagers' logs of this class's clusters. */
    private static String nodeManagerLogs() throws IOException {
        StringBuilder text = new StringBuilder();
        for (Path log : ClusterRuns.clusterFiles(CLUSTER, f -> f.getFileName().toString().matches("nm-\\d+\\.log"))) {
            text.append(Files.readString(log));
        }
        return text.toString();
    }

    /** Shuffle data and index files of the application under the NodeManagers' local directories. */
    private static List<Path> shuffleFiles(ApplicationReport app) throws IOException {
        String appDir = app.getApplicationId().toString();
        return ClusterRuns.clusterFiles(CLUSTER, f -> f.getFileName().toString().startsWith("shuffle_")
                && f.toString().contains("/" + appDir + "/"));
    }

    private static int usedContainers(ApplicationReport app) throws Exception {
        return yarn.getApplicationReport(app.getApplicationId()).getApplicationResourceUsageReport()
                .getNumUsedContainers();
    }

    /** The ApplicationMaster's stderr so far (the first attempt's container log). */
    private static String amLog(ApplicationReport app) throws IOException {
        String container = "container_" + app.getApplicationId().toString().substring("application_".length())
                + "_01_000001";
        return ClusterRuns.containerLog(CLUSTER, container, "stderr").orElse("");
    }

    private static void awaitFirstCount(String markers, CompletableFuture<Run> run) {
        Awaitility.await("the first count").atMost(Duration.ofMinutes(2))
                .until(() -> run.isDone() || fs.exists(new org.apache.hadoop.fs.Path(markers, "counted-100")));
    }

    /**
     * Lets the {@code shuffle} program read its shuffle again, checks the result, and that its 4 map tasks all ran in
     * the first job; the application's events.
     */
    private static List<SchedulerEvent> readAgainWithoutMapTasks(String name, String markers, ApplicationReport app,
            CompletableFuture<Run> run) throws Exception {
        marker(name, "again");
        Run done = run.get(3, TimeUnit.MINUTES);
        assertThat(done.exitCode()).as(done.stderr()).isZero();
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(markers, "read-10000"))).isTrue();
        List<SchedulerEvent> events = runs.events(app.getApplicationId().toString());
        int mapStage = ClusterRuns.stagesInSubmissionOrder(events)[0];
        assertThat(ClusterRuns.tasksStarted(events, t -> t.stageId() == mapStage))
                .as("map tasks, all in the first job: none ran again").isEqualTo(4);
        return events;
    }

    /** Submits {@code it.DynamicJob} in {@code mode} with executors of one core and {@code settings}. */
    private static CompletableFuture<Run> submit(String name, String mode, String... settings) {
        List<String> args = new ArrayList<>(List.of("--name", name, "--executor-cores", "1"));
        for (String setting : settings) {
            args.addAll(List.of("--conf", setting));
        }
        args.addAll(List.of("--class", "it.DynamicJob", appJar.toString(), runs.hdfs("/markers/" + name), mode));
        return CompletableFuture.supplyAsync(() -> runs.submit(args.toArray(new String[0])));
    }

    private static void marker(String name, String marker) throws Exception {
        fs.createNewFile(new org.apache.hadoop.fs.Path("/markers/" + name, marker));
    }

    private static ApplicationReport awaitRunning(String name, CompletableFuture<Run> run) {
        return Awaitility.await("application " + name + " running").atMost(Duration.ofMinutes(2))
                .until(() -> {
                    if (run.isDone()) {
                        throw new AssertionError("the application ended early: " + run.get().stderr());
                    }
                    return yarn.getApplications().stream().filter(a -> a.getName().equals(name)
                            && a.getYarnApplicationState() == YarnApplicationState.RUNNING).findFirst();
                }, Optional::isPresent).orElseThrow();
    }

    /** Waits until the ResourceManager counts {@code containers} for the application, noting each count it reports. */
    private static void awaitContainers(ApplicationReport app, int containers, List<Integer> seen,
            CompletableFuture<Run> run) {
        Awaitility.await(containers + " containers").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (run.isDone()) {
                        throw new AssertionError("the application ended early: " + run.get().stderr());
                    }
                    int used = yarn.getApplicationReport(app.getApplicationId()).getApplicationResourceUsageReport()
                            .getNumUsedContainers();
                    seen.add(used);
                    return used == containers;
                });
    }
}
