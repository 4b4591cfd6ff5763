package dev.spindle.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.deploy.ClusterRuns.Run;
import dev.spindle.scheduler.spi.SchedulerEvent;
import java.nio.file.Path;
import java.time.Duration;
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
 * Dynamic allocation on MiniYARNCluster, watched through YARN's own reports (the containers the ResourceManager
 * counts for the application, its ApplicationMaster's among them): a 200-task stage grows the executors from the
 * minimum to the maximum, and after the job the idle ones go back down to the minimum.
 */
@Timeout(600)
class DynamicAllocationIT {
    private static final String CLUSTER = "dynamic-allocation-it";

    /**
     * {@code it.DynamicJob MARKERS}: waits for {@code MARKERS/start}, then counts 200 partitions whose tasks each
     * wait for {@code MARKERS/open}; writes {@code MARKERS/counted} and waits for {@code MARKERS/finish}.
     */
    private static final String PROGRAM = """
            package it;

            import dev.spindle.api.Context;
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
                        await(markers, "start");
                        long count = ctx.parallelize(IntStream.range(0, 200).boxed().collect(Collectors.toList()), 200)
                                .map(x -> {
                                    await(markers, "open");
                                    return x;
                                })
                                .count();
                        fs.createNewFile(new Path(markers, "counted-" + count));
                        await(markers, "finish");
                    }
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
        cluster = TestCluster.start(CLUSTER, 2, new Configuration(false));
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
        CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> runs.submit("--name", name,
                "--executor-cores", "1", "--conf", "spindle.dynamicAllocation.enabled=true",
                "--conf", "spindle.dynamicAllocation.minExecutors=1",
                "--conf", "spindle.dynamicAllocation.maxExecutors=4",
                "--conf", "spindle.dynamicAllocation.schedulerBacklogTimeout=200ms",
                "--conf", "spindle.dynamicAllocation.sustainedSchedulerBacklogTimeout=200ms",
                "--conf", "spindle.dynamicAllocation.executorIdleTimeout=3s",
                "--class", "it.DynamicJob", appJar.toString(), markers));
        List<Integer> seen = new CopyOnWriteArrayList<>();
        try {
            ApplicationReport app = awaitRunning(name, run);
            // Before any task: the ApplicationMaster and the minimum of one executor.
            awaitContainers(app, 2, seen, run);
            marker(name, "start");
            // The 200 waiting tasks: one executor, then two more, then the fourth, and never a fifth.
            awaitContainers(app, 5, seen, run);
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
        assertThat(seen).as("containers the ResourceManager counted (the AM's among them)").allMatch(n -> n <= 5)
                .contains(2, 5);

        String appId = yarn.getApplications().stream().filter(a -> a.getName().equals(name)).findFirst()
                .orElseThrow().getApplicationId().toString();
        List<SchedulerEvent> events = runs.events(appId);
        assertThat(events.stream().filter(e -> e instanceof SchedulerEvent.ExecutorAdded)).hasSize(4);
        assertThat(ClusterRuns.executorsRemoved(events)).hasSize(3).allSatisfy(removed ->
                assertThat(removed.reason()).startsWith("released by dynamic allocation (idle for "));
        assertThat(ClusterRuns.failedTasks(events)).as("no task failed").isEmpty();
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
