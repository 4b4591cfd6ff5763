package dev.spindle.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.recovery.EventLogReader;
import dev.spindle.recovery.RecoveryRecord;
import dev.spindle.scheduler.spi.SchedulerEvent;
import dev.spindle.yarn.mini.EmbeddedCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptReport;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Driver recovery on an embedded YARN + HDFS cluster: the ApplicationMaster's JVM is killed (SIGKILL, found through
 * its container) at chosen points of a three-action program (count; checkpoint + collect; saveAsTextFile), and the
 * second attempt resumes from the first one's event log. Each run must end SUCCEEDED with the output of a run
 * without a kill; what the second attempt ran is counted from its own event log.
 */
@Timeout(600)
class AmRecoveryIT {
    private static final Path HOME = Path.of("").toAbsolutePath();
    private static final String CLUSTER = "am-recovery-it";
    private static final String WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu";
    private static final int PARTITIONS = 4;

    /**
     * The program. args: input, output, marker dir, where to stop attempt 1 (none, map, between), and how it changes
     * in a later attempt (same, changed). Attempt 1 stops by blocking after creating a marker file, which the test
     * waits for before it kills the AM; later attempts find the marker and go on.
     */
    private static final String PROGRAM = """
            package it;

            import dev.spindle.api.Context;
            import dev.spindle.api.PairDataset;
            import dev.spindle.common.Pair;
            import java.util.ArrayList;
            import java.util.List;
            import org.apache.hadoop.conf.Configuration;
            import org.apache.hadoop.fs.FileSystem;
            import org.apache.hadoop.fs.Path;

            public class ThreeActions {
                public static void main(String[] args) throws Exception {
                    String input = args[0];
                    String output = args[1];
                    String markers = args[2];
                    String stopAt = args[3];
                    FileSystem fs = new Path(markers).getFileSystem(new Configuration());
                    boolean firstAttempt = fs.createNewFile(new Path(markers, "started"));
                    int weight = args[4].equals("changed") && !firstAttempt ? 2 : 1;
                    try (Context ctx = Context.create()) {
                        PairDataset<String, Integer> counts = ctx.textFile(input, 4)
                                .mapPartitionsWithIndex((partition, lines) -> {
                                    // Attempt 1 stops in the map stage: partition 0's task blocks, marked.
                                    if (stopAt.equals("map") && partition == 0 && new Path(markers)
                                            .getFileSystem(new Configuration()).createNewFile(new Path(markers, "map"))) {
                                        new java.util.concurrent.CountDownLatch(1).await(); // until the AM is killed
                                    }
                                    return lines;
                                })
                                .flatMap(line -> {
                                    List<String> words = new ArrayList<>();
                                    for (String word : line.split(" ")) {
                                        if (!word.isEmpty()) {
                                            words.add(word);
                                        }
                                    }
                                    return words.iterator();
                                })
                                .mapToPair(word -> Pair.of(word, weight))
                                .reduceByKey(Integer::sum, 4);
                        if (args[4].equals("cached") || args[4].equals("changed")) {
                            counts.cache();
                        }
                        long distinct = counts.count();
                        counts.checkpoint();
                        List<Pair<String, Integer>> all = counts.collect();
                        if (all.size() != distinct) {
                            throw new IllegalStateException(all.size() + " != " + distinct);
                        }
                        if (stopAt.equals("between") && fs.createNewFile(new Path(markers, "between"))) {
                            new java.util.concurrent.CountDownLatch(1).await(); // until the AM is killed
                        }
                        // Attempts 1 and 2 both stop here.
                        if (stopAt.equals("twice") && (fs.createNewFile(new Path(markers, "twice"))
                                || fs.createNewFile(new Path(markers, "twice-again")))) {
                            new java.util.concurrent.CountDownLatch(1).await(); // until the AM is killed
                        }
                        counts.map(p -> p.key() + "\\t" + p.value()).saveAsTextFile(output);
                    }
                }
            }
            """;

    private static Path work;
    private static EmbeddedCluster cluster;
    private static FileSystem fs;
    private static Path confDir;
    private static Path appJar;
    private static YarnClient yarn;
    private static Map<String, byte[]> cleanOutput;

    private record Run(int exitCode, String stderr) {
        String applicationId() {
            return stderr.replaceFirst("(?s).*submitted application (application_\\d+_\\d+).*", "$1");
        }
    }

    @BeforeAll
    static void startCluster() throws Exception {
        work = Files.createDirectories(HOME.resolve("target/" + CLUSTER));
        cluster = EmbeddedCluster.start(CLUSTER, work.resolve("cluster"), 2, new Configuration(false));
        confDir = work.resolve("conf");
        cluster.writeConfDir(confDir);
        fs = cluster.fileSystem();
        yarn = YarnClient.createYarnClient();
        yarn.init(cluster.clientConf());
        yarn.start();
        Random random = new Random(11);
        String[] words = WORDS.split(" ");
        StringBuilder text = new StringBuilder();
        for (int line = 0; line < 20_000; line++) {
            for (int w = 0; w < 8; w++) {
                text.append(words[random.nextInt(words.length)]).append(random.nextInt(50)).append(' ');
            }
            text.append('\n');
        }
        try (var out = fs.create(new org.apache.hadoop.fs.Path("/in/words.txt"))) {
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        }
        appJar = TestJars.build(work, "three-actions.jar", Map.of("it.ThreeActions", PROGRAM, "it.PausingFs",
                FaultJobs.PAUSING_FS));
        Run clean = submit("clean", "none", "same");
        assertThat(clean.exitCode()).as(clean.stderr()).isZero();
        cleanOutput = output("clean");
        assertThat(cleanOutput).hasSize(PARTITIONS + 1);
    }

    @AfterAll
    static void stopCluster() {
        if (yarn != null) {
            yarn.stop();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String hdfs(String path) {
        return fs.makeQualified(new org.apache.hadoop.fs.Path(path)).toString();
    }

    private static Run submit(String name, String stopAt, String variant, String... conf) {
        return submitWritingTo(name, hdfs("/out/" + name), stopAt, variant, conf);
    }

    private static Run submitWritingTo(String name, String output, String stopAt, String variant, String... conf) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = new HashMap<>();
        env.put("HADOOP_CONF_DIR", confDir.toString());
        env.put("SPINDLE_HOME", HOME.toString());
        List<String> all = new ArrayList<>(List.of("--master", "yarn", "--driver-memory", "512m",
                "--executor-memory", "512m", "--num-executors", "2", "--name", name,
                "--conf", "spindle.yarn.report.interval=200ms",
                "--conf", "spindle.checkpoint.dir=" + hdfs("/checkpoints")));
        for (String c : conf) {
            all.addAll(List.of("--conf", c));
        }
        all.addAll(List.of("--class", "it.ThreeActions", appJar.toString(), hdfs("/in/words.txt"), output,
                hdfs("/markers/" + name), stopAt, variant));
        int code;
        try (PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = new Submitter(System.out, errStream, env).run(all.toArray(new String[0]));
        }
        String stderr = err.toString(StandardCharsets.UTF_8);
        System.err.println(stderr);
        return new Run(code, stderr);
    }

    /** Submits in the background, waits for attempt 1 to reach {@code stopAt}, kills its AM JVM, returns the run. */
    private static Run submitAndKillAm(String name, String stopAt, String variant, String... conf) throws Exception {
        return submitAndKillAm(name, stopAt, variant, app -> true, conf);
    }

    /** As above, and also waits until attempt 1's event log satisfies {@code logged} before the kill. */
    private static Run submitAndKillAm(String name, String stopAt, String variant,
            java.util.function.Predicate<ApplicationId> logged, String... conf) throws Exception {
        return submitAndKillAm(name, hdfs("/out/" + name), stopAt, variant, logged, conf);
    }

    private static Run submitAndKillAm(String name, String output, String stopAt, String variant,
            java.util.function.Predicate<ApplicationId> logged, String... conf) throws Exception {
        CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> submitWritingTo(name, output, stopAt,
                variant, conf));
        killAmAt(name, stopAt, 1, run, logged);
        return run.get();
    }

    /**
     * Waits until the program has created marker {@code marker} and attempt {@code attempt}'s event log satisfies
     * {@code logged}, then kills that attempt's AM JVM.
     */
    private static void killAmAt(String name, String marker, int attempt, CompletableFuture<Run> run,
            java.util.function.Predicate<ApplicationId> logged) throws Exception {
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path("/markers/" + name + "/" + marker);
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> run.isDone() || fs.exists(file) && logged.test(applicationNamed(name)));
        assertThat(run).as("the application ended before attempt " + attempt + " reached " + marker).isNotDone();
        ApplicationId app = applicationNamed(name);
        ApplicationAttemptReport report = yarn.getApplicationAttemptReport(
                yarn.getApplicationReport(app).getCurrentApplicationAttemptId());
        assertThat(report.getApplicationAttemptId().getAttemptId()).isEqualTo(attempt);
        killJvmOf(report.getAMContainerId());
    }

    private static ApplicationId applicationNamed(String name) throws Exception {
        return yarn.getApplications().stream().filter(a -> a.getName().equals(name))
                .map(a -> a.getApplicationId()).max(ApplicationId::compareTo).orElseThrow();
    }

    /** SIGKILL to the JVM running in {@code container}: the java process whose working directory is the container's. */
    private static void killJvmOf(ContainerId container) {
        List<ProcessHandle> jvms = ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .filter(p -> {
                    try {
                        return Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd")).toString()
                                .endsWith(container.toString());
                    } catch (IOException | UnsupportedOperationException e) {
                        return false;
                    }
                }).toList();
        assertThat(jvms).as("the JVM of container " + container).hasSize(1);
        assertThat(jvms.get(0).destroyForcibly()).isTrue();
    }

    /** The part files and {@code _SUCCESS} of output {@code name}: file name to bytes. */
    private static Map<String, byte[]> output(String name) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        for (FileStatus status : fs.listStatus(new org.apache.hadoop.fs.Path("/out/" + name))) {
            try (InputStream in = fs.open(status.getPath())) {
                files.put(status.getPath().getName(), in.readAllBytes());
            }
        }
        return files;
    }

    private static void assertSameOutputAsTheCleanRun(String name) throws IOException {
        Map<String, byte[]> files = output(name);
        assertThat(files.keySet()).containsExactlyElementsOf(cleanOutput.keySet());
        files.forEach((file, bytes) -> assertThat(bytes).as(file).isEqualTo(cleanOutput.get(file)));
    }

    /** The events in attempt {@code attempt}'s event log of application {@code app}. */
    private static List<SchedulerEvent> events(ApplicationId app, int attempt) throws IOException {
        org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(fs.getHomeDirectory(), ".spindle/events");
        List<org.apache.hadoop.fs.Path> files = EventLogReader.attemptFiles(fs, dir, app.toString());
        assertThat(files).hasSizeGreaterThanOrEqualTo(attempt);
        return EventLogReader.read(fs, files.get(attempt - 1)).events();
    }

    /** The map outputs attempt {@code attempt} of {@code app} has made durable in its event log so far. */
    private static long mapOutputsLogged(ApplicationId app, int attempt) {
        try {
            org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(fs.getHomeDirectory(), ".spindle/events");
            List<org.apache.hadoop.fs.Path> files = EventLogReader.attemptFiles(fs, dir, app.toString());
            if (files.size() < attempt) {
                return 0;
            }
            return EventLogReader.read(fs, files.get(attempt - 1)).records().stream()
                    .filter(r -> r instanceof RecoveryRecord.MapOutputRegistered).count();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** The ids of the executors that registered in {@code events}. */
    private static List<String> executors(List<SchedulerEvent> events) {
        return events.stream().filter(e -> e instanceof SchedulerEvent.ExecutorAdded)
                .map(e -> ((SchedulerEvent.ExecutorAdded) e).executor().id()).sorted().toList();
    }

    private static List<String> jobs(List<SchedulerEvent> events) {
        return events.stream().filter(e -> e instanceof SchedulerEvent.JobStarted)
                .map(e -> ((SchedulerEvent.JobStarted) e).description().replaceFirst(" .*", "")).toList();
    }

    private static long tasksStarted(List<SchedulerEvent> events) {
        return events.stream().filter(e -> e instanceof SchedulerEvent.TaskStarted).count();
    }

    /** The ApplicationMaster log (stderr) of attempt {@code attempt}. */
    private static String amLog(ApplicationId app, int attempt) throws Exception {
        ContainerId am = yarn.getApplicationAttempts(app).stream()
                .filter(a -> a.getApplicationAttemptId().getAttemptId() == attempt).findFirst().orElseThrow()
                .getAMContainerId();
        return ClusterRuns.containerLog(CLUSTER, am.toString(), "stderr")
                .orElseThrow(() -> new AssertionError("no log of the ApplicationMaster " + am));
    }

    @Test
    void killedBetweenTheSecondAndThirdActionsTheSecondAttemptRunsOnlyTheThird() throws Exception {
        Run run = submitAndKillAm("between", "between", "same");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).contains("final status SUCCEEDED");
        assertSameOutputAsTheCleanRun("between");
        ApplicationId app = applicationNamed("between");
        assertThat(yarn.getApplicationAttempts(app)).hasSize(2);
        List<SchedulerEvent> first = events(app, 1);
        assertThat(jobs(first)).containsExactly("count", "collect", "checkpoint");
        List<SchedulerEvent> second = events(app, 2);
        // Only the save ran: one stage reading the checkpoint, one task per partition.
        assertThat(jobs(second)).containsExactly("saveAsTextFile");
        assertThat(tasksStarted(second)).isEqualTo(PARTITIONS);
        // Nothing cached: the save's tasks read the checkpoint files (compare with the cached case).
        assertThat(second.stream().filter(e -> e instanceof SchedulerEvent.TaskEnded t && t.failure() == null)
                .mapToLong(e -> ((SchedulerEvent.TaskEnded) e).metrics().recordsRead()).sum()).isPositive();
        // The executors of attempt 1 came back (same ids, same containers); none was started anew.
        assertThat(executors(second)).containsExactly("1", "2");
        String log = amLog(app, 2);
        assertThat(log).containsPattern("Action 0 \\(count at .*\\): replayed")
                .containsPattern("Action 1 \\(collect at .*\\): replayed")
                .containsPattern("Action 2 \\(checkpoint of .*\\): replayed")
                .doesNotContainPattern("Action [0-2] .*: run;")
                // Attempt 1's containers, adopted: no executor was launched in attempt 2.
                .containsPattern("Executor 1 in container container_\\d+_\\d+_01_\\d+ of an earlier attempt came back")
                .containsPattern("Executor 2 in container container_\\d+_\\d+_01_\\d+ of an earlier attempt came back")
                .doesNotContain("Launching executor");
        assertThat(fs.exists(new org.apache.hadoop.fs.Path("/checkpoints/" + app))).as("checkpoints after the end")
                .isFalse();
    }

    @Test
    void partitionsCachedInTheFirstAttemptServeTheSecondWhenTheDatasetIsTheSame() throws Exception {
        Run run = submitAndKillAm("cached", "between", "cached");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertSameOutputAsTheCleanRun("cached");
        ApplicationId app = applicationNamed("cached");
        List<SchedulerEvent> second = events(app, 2);
        assertThat(jobs(second)).containsExactly("saveAsTextFile");
        // The save's tasks read the dataset from the cache the returning executors kept, not from the checkpoint.
        assertThat(second.stream().filter(e -> e instanceof SchedulerEvent.TaskEnded t && t.failure() == null)
                .mapToLong(e -> ((SchedulerEvent.TaskEnded) e).metrics().recordsRead()).sum()).isZero();
        assertThat(amLog(app, 2)).containsPattern("Action 0 \\(count at .*\\): uses the partitions of dataset \\d+ "
                + "that executors kept cached from an earlier attempt");
    }

    @Test
    void killedDuringTheFirstMapStageTheSecondAttemptRunsTheRestOfItWithTheKeptMapOutputs() throws Exception {
        // Partition 0's map task blocks; the AM dies once the other three map outputs are in the event log.
        Run run = submitAndKillAm("map", "map", "same", app -> mapOutputsLogged(app, 1) == PARTITIONS - 1);

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertSameOutputAsTheCleanRun("map");
        ApplicationId app = applicationNamed("map");
        assertThat(jobs(events(app, 1))).containsExactly("count");
        List<SchedulerEvent> second = events(app, 2);
        assertThat(jobs(second)).containsExactly("count", "collect", "checkpoint", "saveAsTextFile");
        // The executors came back with their shuffle output: the map stage reran partition 0 only.
        assertThat(executors(second)).containsExactly("1", "2");
        SchedulerEvent.StageSubmitted mapStage = (SchedulerEvent.StageSubmitted) second.stream()
                .filter(e -> e instanceof SchedulerEvent.StageSubmitted).findFirst().orElseThrow();
        assertThat(mapStage.name()).startsWith("mapToPair");
        assertThat(mapStage.numTasks()).isEqualTo(1);
        String log = amLog(app, 2);
        assertThat(log).containsPattern("Action 0 \\(count at .*\\): run; no earlier attempt completed it")
                .contains("reusing 3 of 4 map outputs that executors kept from an earlier attempt");
    }

    @Test
    void killedDuringTheFinalJobCommitTheSecondAttemptRewritesTheOutputOnce() throws Exception {
        String output = hdfs("/out/commit").replaceFirst("^hdfs:", "pausehdfs:");
        Run run = submitAndKillAm("commit", output, "commit", "same", app -> true,
                "spindle.hadoop.fs.pausehdfs.impl=it.PausingFs");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        // Attempt 1 had moved a part file into place before it died: attempt 2 deleted that partial output and
        // wrote it again, exactly once.
        assertSameOutputAsTheCleanRun("commit");
        ApplicationId app = applicationNamed("commit");
        assertThat(jobs(events(app, 1))).containsExactly("count", "collect", "checkpoint", "saveAsTextFile");
        List<SchedulerEvent> second = events(app, 2);
        assertThat(jobs(second)).containsExactly("saveAsTextFile");
        assertThat(tasksStarted(second)).isEqualTo(PARTITIONS);
        assertThat(amLog(app, 2)).containsPattern("Action 3 \\(saveAsTextFile .*\\): run; an earlier attempt "
                + "started writing .* and did not commit it; its partial output is deleted");
        assertThat(fs.exists(new org.apache.hadoop.fs.Path("/out/commit/_temporary"))).isFalse();
    }

    @Test
    void aProgramThatChangesBetweenAttemptsIsNotReplayed() throws Exception {
        Run run = submitAndKillAm("changed", "between", "changed");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        ApplicationId app = applicationNamed("changed");
        // The second attempt's closure weighs each word 2: its first action differs and everything runs again.
        assertThat(jobs(events(app, 2))).containsExactly("count", "collect", "checkpoint", "saveAsTextFile");
        List<String> lines = new ArrayList<>();
        output("changed").forEach((file, bytes) -> {
            if (file.startsWith("part-")) {
                new String(bytes, StandardCharsets.UTF_8).lines().forEach(lines::add);
            }
        });
        List<String> doubled = new ArrayList<>();
        cleanOutput.forEach((file, bytes) -> {
            if (file.startsWith("part-")) {
                new String(bytes, StandardCharsets.UTF_8).lines().map(l -> {
                    String[] kv = l.split("\t");
                    return kv[0] + "\t" + Integer.parseInt(kv[1]) * 2;
                }).forEach(doubled::add);
            }
        });
        assertThat(lines).containsExactlyInAnyOrderElementsOf(doubled);
        assertThat(amLog(app, 2)).containsPattern("Action 0 \\(count at .*\\): run; no earlier attempt completed it")
                // Its cached partitions, kept by the executors, were the old closure's: dropped, never read.
                .containsPattern("Action 0 \\(count at .*\\): dataset \\d+ is not the one executors kept cached "
                        + "from an earlier attempt; they drop it");
    }

    @Test
    void failuresOlderThanTheValidityIntervalDoNotCountAgainstTheAttempts() throws Exception {
        CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> submit("validity", "twice", "same",
                new String[] {"spindle.yarn.attemptFailuresValidityInterval=1s"}));
        killAmAt("validity", "twice", 1, run, app -> true);
        long firstKill = System.nanoTime();
        killAmAt("validity", "twice-again", 2, run, app -> true);
        // Attempt 2 needed seconds to start and replay: attempt 1's failure has left the 1 s window by now.
        assertThat(Duration.ofNanos(System.nanoTime() - firstKill)).isGreaterThan(Duration.ofSeconds(1));

        Run finished = run.get();
        // Two AM failures with maxAppAttempts=2, yet a third attempt: the first failure no longer counted.
        assertThat(finished.exitCode()).as(finished.stderr()).isZero();
        ApplicationId app = applicationNamed("validity");
        assertThat(yarn.getApplicationAttempts(app)).hasSize(3);
        assertSameOutputAsTheCleanRun("validity");
        List<SchedulerEvent> third = events(app, 3);
        assertThat(jobs(third)).containsExactly("saveAsTextFile");
        assertThat(executors(third)).containsExactly("1", "2");
    }

    @Test
    void anAmKilledOnItsLastAttemptFailsTheApplicationAndLeavesNoStagingDirectory() throws Exception {
        Run run = submitAndKillAm("last", "between", "same", "spindle.yarn.maxAppAttempts=1");

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(1);
        assertThat(run.stderr()).contains("final status FAILED");
        ApplicationId app = applicationNamed("last");
        assertThat(yarn.getApplicationAttempts(app)).hasSize(1);
        org.apache.hadoop.fs.Path staging = new org.apache.hadoop.fs.Path(fs.getHomeDirectory(),
                ".spindle/staging/" + app);
        assertThat(fs.exists(staging)).as("staging directory " + staging).isFalse();
    }

    @Test
    void anAmThatFailsOutsideMainIsRetriedAndOnItsLastAttemptUnregistersFailed() throws Exception {
        // The event log directory is a file: every attempt fails to start its driver, outside the program.
        try (var out = fs.create(new org.apache.hadoop.fs.Path("/not-a-directory"))) {
            out.write(1);
        }
        Run run = submit("outside", "none", "same", "spindle.eventLog.dir=" + hdfs("/not-a-directory"));

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(1);
        ApplicationId app = applicationNamed("outside");
        assertThat(yarn.getApplicationAttempts(app)).hasSize(2);
        // The diagnostics are the AM's own: it unregistered on its last attempt instead of just dying.
        assertThat(run.stderr()).contains("final status FAILED")
                .contains("The ApplicationMaster failed on its last attempt (2 of 2)")
                .contains("/not-a-directory");
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(fs.getHomeDirectory(), ".spindle/staging/" + app)))
                .isFalse();
    }

    @Test
    void aUserExceptionFailsTheApplicationAfterExactlyOneAttempt() throws Exception {
        // An input path that does not exist: main throws on the first action.
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("HADOOP_CONF_DIR", confDir.toString(), "SPINDLE_HOME", HOME.toString());
        int code;
        try (PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = new Submitter(System.out, errStream, env).run(new String[] {"--master", "yarn",
                    "--driver-memory", "512m", "--executor-memory", "512m", "--name", "throws",
                    "--conf", "spindle.yarn.report.interval=200ms", "--class", "it.ThreeActions",
                    appJar.toString(), hdfs("/in/missing.txt"), hdfs("/out/throws"), hdfs("/markers/throws"), "none",
                    "same"});
        }
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(stderr).isEqualTo(1);
        assertThat(stderr).contains("final status FAILED").contains("missing.txt");
        assertThat(yarn.getApplicationAttempts(applicationNamed("throws"))).hasSize(1);
    }
}
