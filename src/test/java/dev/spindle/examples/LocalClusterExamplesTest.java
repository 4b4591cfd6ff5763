package dev.spindle.examples;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void aJobSurvivesKillDashNineOfAnExecutorDuringItsShuffle() throws Exception {
        List<Integer> numbers = IntStream.range(0, 20_000).boxed().toList();
        Map<Integer, Long> expected = numbers.stream().collect(Collectors.groupingBy(n -> n % 101,
                Collectors.counting()));
        try (Context ctx = new Context(SpindleConf.empty().with("spindle.master", CLUSTER)
                .with("spindle.executor.heartbeatInterval", "500ms"))) {
            // The reduce stage is the one with 4 tasks (the map stage has 8): kill once its tasks are fetching.
            AtomicInteger reduceStage = new AtomicInteger(-1);
            CountDownLatch reduceStageRunning = new CountDownLatch(1);
            ctx.addListener(event -> {
                if (event instanceof SchedulerEvent.StageSubmitted submitted && submitted.numTasks() == 4) {
                    reduceStage.set(submitted.stageId());
                } else if (event instanceof SchedulerEvent.TaskStarted started
                        && started.stageId() == reduceStage.get()) {
                    reduceStageRunning.countDown();
                }
            });
            CompletableFuture<Map<Integer, Long>> job = CompletableFuture.supplyAsync(() -> ctx.parallelize(numbers, 8)
                    .mapPartitions(it -> {
                        Thread.sleep(250);
                        return it;
                    })
                    .mapToPair(n -> Pair.of(n % 101, 1L))
                    .reduceByKey(Long::sum, 4)
                    .mapPartitions(it -> {
                        Thread.sleep(400);
                        return it;
                    })
                    .collect().stream().collect(Collectors.toMap(Pair::key, Pair::value)));
            assertThat(reduceStageRunning.await(60, TimeUnit.SECONDS)).as("the reduce stage started").isTrue();
            List<ProcessHandle> executors = executorProcesses();
            assertThat(executors).hasSize(2);
            ProcessHandle victim = executors.get(0);
            Runtime.getRuntime().exec(new String[] {"kill", "-9", Long.toString(victim.pid())}).waitFor();
            assertThat(victim.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
            assertThat(job.get(120, TimeUnit.SECONDS)).isEqualTo(expected);
        }
        assertThat(executorProcesses()).as("executor JVMs left running").isEmpty();
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

    private static List<ProcessHandle> executorProcesses() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("dev.spindle.executor.ExecutorMain"))
                .toList();
    }
}
