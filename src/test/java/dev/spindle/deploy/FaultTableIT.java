package dev.spindle.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.deploy.ClusterRuns.ContainerJvm;
import dev.spindle.deploy.ClusterRuns.Run;
import dev.spindle.plan.TaskFailure;
import dev.spindle.scheduler.spi.SchedulerEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fault table of the README's "Failure handling" section, on MiniYARN + MiniDFS: each fault hits a word count
 * of 4 map and 4 reduce tasks, and each test proves from the application's event log that the fault hit the work
 * (tasks started again, executors removed, attempts failed) and that the output is byte-identical to a fault-free
 * run, or, for a job that must fail, that nothing was committed. Executors over their memory limit:
 * {@code YarnSubmitIT}; a lost node: {@code NodeLossIT}.
 */
@Timeout(900)
class FaultTableIT {
    private static final String CLUSTER = "fault-table-it";
    private static final String WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu";
    private static final int MAP_TASKS = 4;
    private static final int REDUCE_TASKS = 4;

    private static TestCluster cluster;
    private static FileSystem fs;
    private static ClusterRuns runs;
    private static YarnClient yarn;
    private static Path appJar;
    private static Map<String, byte[]> cleanOutput;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TestCluster.start(CLUSTER, 2, new Configuration(false));
        fs = cluster.fs;
        runs = cluster.runs;
        yarn = cluster.yarn;
        try (var out = fs.create(new org.apache.hadoop.fs.Path("/in/words.txt"))) {
            out.write(text().getBytes(StandardCharsets.UTF_8));
        }
        appJar = TestJars.build(cluster.work, "fault-job.jar", FaultJobs.sources());
        Run clean = run("clean", "none");
        assertThat(clean.exitCode()).as(clean.stderr()).isZero();
        cleanOutput = runs.files("/out/clean");
        assertThat(cleanOutput.keySet()).containsExactly("_SUCCESS", "part-00000", "part-00001", "part-00002",
                "part-00003");
    }

    @AfterAll
    static void stopCluster() {
        TestCluster.close(cluster);
    }

    private static String text() {
        Random random = new Random(11);
        String[] words = WORDS.split(" ");
        StringBuilder text = new StringBuilder();
        for (int line = 0; line < 20_000; line++) {
            for (int w = 0; w < 8; w++) {
                text.append(words[random.nextInt(words.length)]).append(random.nextInt(50)).append(' ');
            }
            text.append('\n');
        }
        return text.toString();
    }

    private static Run run(String name, String mode, String... options) {
        return runReading(name, runs.hdfs("/in/words.txt"), runs.hdfs("/out/" + name), mode, options);
    }

    private static Run runReading(String name, String input, String output, String mode, String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("--num-executors", "2", "--name", name,
                "--conf", "spindle.executor.heartbeatInterval=1s"));
        args.addAll(List.of(options));
        args.addAll(List.of("--class", "it.FaultJob", appJar.toString(), input, output,
                runs.hdfs("/markers/" + name), mode));
        return runs.submit(args.toArray(new String[0]));
    }

    /**
     * Runs {@code name} in the background until its task holding {@code marker} waits for release, applies
     * {@code fault} to that task's container JVM, releases the held tasks and returns the run.
     */
    private static Run runHolding(String name, String mode, String marker, Consumer<ContainerJvm> fault)
            throws Exception {
        CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> run(name, mode));
        long pid = awaitHeld(name, marker, run);
        fault.accept(ClusterRuns.containerJvm(pid));
        release(name);
        return run.get(5, TimeUnit.MINUTES);
    }

    /** The process id of the task that holds {@code marker}, once it waits. */
    private static long awaitHeld(String name, String marker, CompletableFuture<Run> run) throws IOException {
        org.apache.hadoop.fs.Path markers = new org.apache.hadoop.fs.Path("/markers/" + name);
        String prefix = marker + "-pid-";
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> run.isDone() || fs.exists(markers) && fs.listStatus(markers).length > 0
                        && List.of(fs.listStatus(markers)).stream()
                                .anyMatch(f -> f.getPath().getName().startsWith(prefix)));
        assertThat(run).as("the application ended before a task held " + marker).isNotDone();
        for (FileStatus file : fs.listStatus(markers)) {
            if (file.getPath().getName().startsWith(prefix)) {
                return Long.parseLong(file.getPath().getName().substring(prefix.length()));
            }
        }
        throw new AssertionError("no " + prefix + " marker");
    }

    private static void release(String name) throws IOException {
        fs.createNewFile(new org.apache.hadoop.fs.Path("/markers/" + name + "/release"));
    }

    private static void assertSameOutputAsTheCleanRun(String name) throws IOException {
        Map<String, byte[]> files = runs.files("/out/" + name);
        assertThat(files.keySet()).as("no partial, duplicated or stray files").containsExactlyElementsOf(
                cleanOutput.keySet());
        files.forEach((file, bytes) -> assertThat(bytes).as(file).isEqualTo(cleanOutput.get(file)));
    }

    /** The stage of the map tasks (the first stage submitted) and of the reduce tasks (the second). */
    private static int[] mapAndReduceStages(List<SchedulerEvent> events) {
        int[] stages = ClusterRuns.stagesInSubmissionOrder(events);
        assertThat(stages).as("one map and one reduce stage").hasSize(2);
        return stages;
    }

    private static String removedExecutor(List<SchedulerEvent> events) {
        List<SchedulerEvent.ExecutorRemoved> removed = ClusterRuns.executorsRemoved(events);
        assertThat(removed).as("the killed executor is removed").hasSize(1);
        return removed.get(0).executor().id();
    }

    @Test
    void anExecutorKilledInTheMapStage() throws Exception {
        Run run = runHolding("kill-map", "kill-map", "map-0", ClusterRuns::kill);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertSameOutputAsTheCleanRun("kill-map");
        List<SchedulerEvent> events = runs.events(run.applicationId());
        int mapStage = mapAndReduceStages(events)[0];
        String lost = removedExecutor(events);
        assertThat(ClusterRuns.tasksStarted(events, t -> t.stageId() == mapStage && t.partition() == 0))
                .as("the killed task ran again").isEqualTo(2);
        assertThat(ClusterRuns.failedTasks(events)).as("the killed attempt failed with its executor")
                .extracting(t -> t.executor().id()).containsOnly(lost);
    }

    @Test
    void anExecutorKilledInTheReduceStage() throws Exception {
        Run run = runHolding("kill-reduce", "kill-reduce", "reduce-0", ClusterRuns::kill);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertSameOutputAsTheCleanRun("kill-reduce");
        List<SchedulerEvent> events = runs.events(run.applicationId());
        int[] stages = mapAndReduceStages(events);
        String lost = removedExecutor(events);
        long mapOutputsLost = events.stream().filter(e -> e instanceof SchedulerEvent.TaskEnded t
                && t.stageId() == stages[0] && t.failure() == null && t.executor().id().equals(lost)).count();
        assertThat(ClusterRuns.tasksStarted(events, t -> t.stageId() == stages[1] && t.partition() == 0))
                .as("the killed reduce task ran again").isGreaterThanOrEqualTo(2);
        assertThat(ClusterRuns.tasksStarted(events, t -> t.stageId() == stages[0]) - MAP_TASKS)
                .as("exactly the map outputs the killed executor held are recomputed").isEqualTo(mapOutputsLost);
    }

    @Test
    void anExecutorKilledDuringJobCommit() throws Exception {
        String name = "kill-commit";
        String output = runs.hdfs("/out/" + name).replaceFirst("^hdfs:", "pausehdfs:");
        CompletableFuture<Run> running = CompletableFuture.supplyAsync(() -> runReading(name,
                runs.hdfs("/in/words.txt"), output, "none", "--conf", "spindle.hadoop.fs.pausehdfs.impl=it.PausingFs"));
        org.apache.hadoop.fs.Path commit = new org.apache.hadoop.fs.Path("/markers/" + name + "/commit");
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> running.isDone() || fs.exists(commit));
        assertThat(running).as("the application ended before its job commit").isNotDone();
        String app = applicationNamed(name);
        ClusterRuns.kill(ClusterRuns.registeredExecutorJvms(CLUSTER, app, 2, running).get(0));
        release(name);
        Run run = running.get(5, TimeUnit.MINUTES);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertSameOutputAsTheCleanRun(name);
        List<SchedulerEvent> events = runs.events(app);
        removedExecutor(events);
        assertThat(ClusterRuns.tasksStarted(events, t -> true)).as("no task ran again")
                .isEqualTo(MAP_TASKS + REDUCE_TASKS);
    }

    @Test
    void aTaskThatFailsThreeTimesAndThenSucceeds() throws Exception {
        Run run = run("flaky", "flaky");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertSameOutputAsTheCleanRun("flaky");
        List<SchedulerEvent> events = runs.events(run.applicationId());
        int mapStage = mapAndReduceStages(events)[0];
        assertThat(ClusterRuns.failedTasks(events)).hasSize(3)
                .allMatch(t -> t.stageId() == mapStage && t.partition() == 1);
        assertThat(ClusterRuns.tasksStarted(events, t -> t.stageId() == mapStage && t.partition() == 1)).isEqualTo(4);
    }

    @Test
    void aTaskThatAlwaysFailsFailsTheJobWithTheUsersExceptionAndCommitsNothing() throws Exception {
        Run run = run("always-fail", "always-fail");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("final status FAILED")
                .contains("java.lang.IllegalStateException: bad record in partition 1")
                .contains("spindle.task.maxFailures=4");
        assertThat(runs.files("/out/always-fail")).as("nothing committed, no _temporary").isEmpty();
        List<SchedulerEvent> events = runs.events(run.applicationId());
        // The abort kills the other partitions' running attempts; whether their ends reach the event log before the
        // application stops is a matter of timing, so they are told apart by reason, not counted.
        List<SchedulerEvent.TaskEnded> failed = ClusterRuns.failedTasks(events);
        assertThat(failed).filteredOn(t -> t.failure().reason() != TaskFailure.Reason.KILLED)
                .hasSize(4).allMatch(t -> t.partition() == 1);
        assertThat(failed).filteredOn(t -> t.failure().reason() == TaskFailure.Reason.KILLED)
                .allMatch(t -> t.partition() != 1);
    }

    @Test
    void corruptGzipInputFailsNamingTheFile() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(text().getBytes(StandardCharsets.UTF_8));
        }
        byte[] bytes = gz.toByteArray();
        IntStream.range(bytes.length / 3, bytes.length / 3 + 64).forEach(i -> bytes[i] ^= 0x5a);
        try (var out = fs.create(new org.apache.hadoop.fs.Path("/in/corrupt.txt.gz"))) {
            out.write(bytes);
        }
        Run run = runReading("corrupt-gzip", runs.hdfs("/in/corrupt.txt.gz"), runs.hdfs("/out/corrupt-gzip"),
                "none");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("final status FAILED")
                .containsPattern("corrupt input \\S*corrupt.txt.gz: not valid .gz data");
        assertThat(runs.files("/out/corrupt-gzip")).isEmpty();
    }

    @Test
    void fourApplicationsAtOnce() throws Exception {
        List<CompletableFuture<Run>> all = IntStream.range(0, 4).mapToObj(i -> CompletableFuture.supplyAsync(() ->
                runReading("concurrent-" + i, runs.hdfs("/in/words.txt"), runs.hdfs("/out/concurrent-" + i), "none",
                        "--num-executors", "1"))).toList();
        for (int i = 0; i < all.size(); i++) {
            Run run = all.get(i).get(10, TimeUnit.MINUTES);
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertSameOutputAsTheCleanRun("concurrent-" + i);
        }
        List<Long> starts = new java.util.ArrayList<>();
        List<Long> finishes = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ApplicationReport report = yarn.getApplicationReport(
                    org.apache.hadoop.yarn.api.records.ApplicationId.fromString(applicationNamed("concurrent-" + i)));
            starts.add(report.getStartTime());
            finishes.add(report.getFinishTime());
        }
        assertThat(java.util.Collections.max(starts)).as("all four ran at the same time")
                .isLessThan(java.util.Collections.min(finishes));
    }

    private static String applicationNamed(String name) throws Exception {
        return yarn.getApplications().stream().filter(a -> a.getName().equals(name))
                .map(a -> a.getApplicationId()).max(org.apache.hadoop.yarn.api.records.ApplicationId::compareTo)
                .orElseThrow().toString();
    }
}
