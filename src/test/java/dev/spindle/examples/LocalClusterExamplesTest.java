package dev.spindle.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.cluster.ExecutorJvms;
import dev.spindle.config.SpindleConf;
import dev.spindle.driver.DriverHost;
import dev.spindle.api.Context;
import dev.spindle.api.Dataset;
import dev.spindle.api.LongAccumulator;
import dev.spindle.plan.StorageLevel;
import dev.spindle.scheduler.spi.SchedulerEvent;
import dev.spindle.common.Pair;
import dev.spindle.config.SpindleConf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The four examples give byte-identical output in local[2] and local-cluster[2,1,512]; a job survives kill -9 of an
 * executor in the middle of its shuffle.
 */
@Timeout(300)
class LocalClusterExamplesTest {
    private static final String CLUSTER = "local-cluster[2,1,512]";

    @TempDir
    static Path dir;

    private static Path words;
    private static Path records;
    private static Path edges;
    private static Path left;
    private static Path right;

    @BeforeAll
    static void data() throws IOException {
        Random random = new Random(17);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            lines.add(IntStream.range(0, random.nextInt(10)).mapToObj(w -> "w" + (int) Math.pow(random.nextInt(50), 2))
                    .collect(Collectors.joining(" ")));
        }
        words = Files.write(dir.resolve("words.txt"), lines);
        List<String> sortRecords = ExamplesTest.sortRecords(random, 4000);
        records = Files.write(dir.resolve("records.txt"), sortRecords);
        List<String> edgeLines = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            edgeLines.add("v" + random.nextInt(80) + " v" + random.nextInt(80));
        }
        edges = Files.write(dir.resolve("edges.txt"), edgeLines);
        List<String> leftLines = new ArrayList<>();
        List<String> rightLines = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            leftLines.add(random.nextInt(300) + ",value" + i);
        }
        for (int i = 0; i < 200; i++) {
            rightLines.add(random.nextInt(300) + ",name" + i);
        }
        left = Files.write(dir.resolve("left.txt"), leftLines);
        right = Files.write(dir.resolve("right.txt"), rightLines);
    }

    private interface Program {
        void run(String[] args) throws Exception;
    }

    /** Runs {@code program} with {@code args} (output dir last) on both masters and compares the output. */
    private static void sameOutput(String name, Program program, String... args) throws Exception {
        List<List<String>> outputs = new ArrayList<>();
        for (String master : List.of("local[2]", CLUSTER)) {
            Path out = dir.resolve(name + "-" + (master.startsWith("local[") ? "local" : "cluster"));
            String[] withOut = java.util.Arrays.copyOf(args, args.length + 1);
            withOut[args.length] = out.toString();
            DriverHost.local(SpindleConf.empty().with("spindle.master", master)).run(() -> program.run(withOut));
            outputs.add(ExamplesTest.readOutput(out));
        }
        assertThat(outputs.get(0)).isNotEmpty();
        assertThat(outputs.get(1)).as("%s output in %s", name, CLUSTER).isEqualTo(outputs.get(0));
    }

    @Test
    void wordCount() throws Exception {
        sameOutput("wordcount", WordCount::main, words.toString());
    }

    @Test
    void sort() throws Exception {
        sameOutput("sort", Sort::main, records.toString());
    }

    @Test
    void join() throws Exception {
        sameOutput("join", Join::main, left.toString(), right.toString());
    }

    @Test
    void pageRank() throws Exception {
        sameOutput("pagerank", PageRank::main, edges.toString(), "5");
    }

    /**
     * Reduce partition 0's first attempt holds (a marker file with its process id, then a wait for a release file)
     * while the test kills its executor: the attempt runs again, and exactly the map outputs that executor held are
     * computed again.
     */
    @Test
    void aJobSurvivesKillDashNineOfAnExecutorDuringItsShuffle(@TempDir Path marks) throws Exception {
        List<Integer> numbers = IntStream.range(0, 20_000).boxed().toList();
        Map<Integer, Long> expected = numbers.stream().collect(Collectors.groupingBy(n -> n % 101,
                Collectors.counting()));
        String dir = marks.toString();
        List<SchedulerEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Context ctx = new Context(SpindleConf.empty().with("spindle.master", CLUSTER)
                .with("spindle.executor.heartbeatInterval", "500ms"))) {
            ctx.addListener(events::add);
            CompletableFuture<Map<Integer, Long>> job = CompletableFuture.supplyAsync(() -> ctx.parallelize(numbers, 8)
                    .mapToPair(n -> Pair.of(n % 101, 1L))
                    .reduceByKey(Long::sum, 4)
                    .mapPartitionsWithIndex((partition, it) -> {
                        if (partition == 0) {
                            holdFirstAttempt(Path.of(dir));
                        }
                        return it;
                    })
                    .collect().stream().collect(Collectors.toMap(Pair::key, Pair::value)));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> job.isDone() || Files.exists(marks.resolve("pid")));
            assertThat(job).as("the job ended before reduce partition 0 held").isNotDone();
            long pid = Long.parseLong(Files.readString(marks.resolve("pid")));
            // The executor JVM that runs the held task: a child of this JVM (its command line may be unreadable).
            ProcessHandle victim = ProcessHandle.current().descendants().filter(p -> p.pid() == pid).findFirst()
                    .orElseThrow(() -> new AssertionError("process " + pid + " of the held task is no executor "
                            + "started by this test"));
            Runtime.getRuntime().exec(new String[] {"kill", "-9", Long.toString(victim.pid())}).waitFor();
            assertThat(victim.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
            Files.createFile(marks.resolve("release"));
            assertThat(job.get(120, TimeUnit.SECONDS)).isEqualTo(expected);
        }
        int[] stages = events.stream().filter(e -> e instanceof SchedulerEvent.StageSubmitted)
                .mapToInt(e -> ((SchedulerEvent.StageSubmitted) e).stageId()).distinct().toArray();
        String lost = events.stream().filter(e -> e instanceof SchedulerEvent.ExecutorRemoved)
                .map(e -> ((SchedulerEvent.ExecutorRemoved) e).executor().id()).findFirst().orElseThrow();
        long mapOutputsLost = events.stream().filter(e -> e instanceof SchedulerEvent.TaskEnded t
                && t.stageId() == stages[0] && t.failure() == null && t.executor().id().equals(lost)).count();
        long mapTasks = events.stream().filter(e -> e instanceof SchedulerEvent.TaskStarted t
                && t.stageId() == stages[0]).count();
        long heldStarts = events.stream().filter(e -> e instanceof SchedulerEvent.TaskStarted t
                && t.stageId() == stages[1] && t.partition() == 0).count();
        assertThat(heldStarts).as("the held reduce task ran again").isGreaterThanOrEqualTo(2);
        assertThat(mapTasks - 8).as("exactly the map outputs of the killed executor are recomputed")
                .isEqualTo(mapOutputsLost);
        assertThat(ExecutorJvms.commandLines()).as("executor JVMs left running").isEmpty();
    }

    /** In a task: the first caller marks its process id and waits for the test's release file; later ones go on. */
    private static void holdFirstAttempt(Path marks) throws IOException, InterruptedException {
        try {
            Files.createFile(marks.resolve("held"));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return;
        }
        Files.writeString(marks.resolve("pid.tmp"), Long.toString(ProcessHandle.current().pid()));
        Files.move(marks.resolve("pid.tmp"), marks.resolve("pid"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        while (!Files.exists(marks.resolve("release"))) {
            Thread.sleep(20); // a condition checked in the task, not a window: the test releases after its kill
        }
    }

    @Test
    void cachedPartitionsAreReadFromAnotherExecutorRatherThanRecomputed() {
        try (Context ctx = new Context(SpindleConf.empty().with("spindle.master", CLUSTER)
                .with("spindle.locality.wait", "0ms"))) {
            LongAccumulator computed = ctx.longAccumulator("computed");
            Dataset<Integer> cached = ctx.parallelize(IntStream.range(0, 4000).boxed().toList(), 8).map(n -> {
                computed.add(1);
                return n * 2;
            }).persist(StorageLevel.MEMORY_ONLY_SER);
            assertThat(cached.count()).isEqualTo(4000);
            for (int i = 0; i < 4; i++) {
                assertThat(cached.reduce(Integer::sum)).isEqualTo(4000 * 3999);
            }
            assertThat(computed.value()).as("with no locality wait tasks run anywhere, and still never recompute")
                    .isEqualTo(4000);
        }
    }
}
