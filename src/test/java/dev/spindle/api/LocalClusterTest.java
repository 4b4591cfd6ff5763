package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.cluster.ClusterBackend;
import dev.spindle.cluster.ExecutorJvms;
import dev.spindle.common.Pair;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import dev.spindle.rpc.AppSecret;
import dev.spindle.rpc.RpcConnection;
import dev.spindle.rpc.RpcException;
import dev.spindle.rpc.RpcHandler;
import dev.spindle.rpc.RpcSettings;
import dev.spindle.rpc.message.RegisterExecutor;
import dev.spindle.rpc.message.RpcMessage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * local-cluster[2,1,512]: two executor JVMs reached over authenticated RPC run the same programs as local mode, with
 * the same answers; broadcast values, accumulators, caching and large results cross process boundaries; hostile
 * connections are refused without disturbing the job.
 */
@Timeout(120)
class LocalClusterTest {
    private static final long MAX_DIRECT = 16 * 1024;
    private static final long MAX_RESULT = 1024 * 1024;
    private static Context ctx;
    private static ClusterBackend cluster;

    @BeforeAll
    static void start() {
        ctx = new Context(SpindleConf.empty().with("spindle.master", "local-cluster[2,1,512]")
                .with("spindle.executor.heartbeatInterval", "500ms")
                .with("spindle.task.maxDirectResultSize", Long.toString(MAX_DIRECT))
                .with("spindle.driver.maxResultSize", Long.toString(MAX_RESULT))
                .with("spindle.rpc.maxFrameSize", "1m"));
        cluster = ctx.driver().clusterBackend().orElseThrow();
    }

    @AfterAll
    static void stop() {
        if (ctx != null) {
            ctx.close();
        }
        assertThat(ExecutorJvms.commandLines()).as("executor JVMs left running").isEmpty();
    }

    @Test
    void shuffleAcrossExecutors() {
        List<Integer> numbers = IntStream.range(0, 10_000).boxed().toList();
        Map<Integer, Long> counts = ctx.parallelize(numbers, 6).mapToPair(n -> Pair.of(n % 7, 1L))
                .reduceByKey(Long::sum, 3).collectAsMap();
        assertThat(counts).isEqualTo(numbers.stream().collect(Collectors.groupingBy(n -> n % 7, Collectors.counting())));
        List<Integer> sorted = ctx.parallelize(numbers, 4).sortBy(n -> -n, true, 3).collect();
        assertThat(sorted).hasSize(10_000).isSortedAccordingTo((a, b) -> b - a);
    }

    @Test
    void executorJvmsRunWithTheDefaultJavaOptions() {
        assertThat(ctx.parallelize(List.of(1, 2, 3, 4), 4).count()).isEqualTo(4);
        List<String> executors = ExecutorJvms.commandLines();
        assertThat(executors).isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains(" " + SpindleConfig.DEFERRED_C2_OPTIONS + " "));
    }

    @Test
    void shuffleFilesLostOnALiveExecutorAreRecomputed() throws IOException {
        List<Integer> numbers = IntStream.range(0, 6_000).boxed().toList();
        PairDataset<Integer, Long> counts = ctx.parallelize(numbers, 6).mapToPair(n -> Pair.of(n % 11, 1L))
                .reduceByKey(Long::sum, 4);
        Map<Integer, Long> expected = numbers.stream().collect(Collectors.groupingBy(n -> n % 11, Collectors.counting()));
        assertThat(counts.collectAsMap()).isEqualTo(expected);
        // Both executors stay up, but every map output file they wrote is gone: the second job reuses the shuffle,
        // its reducers fail to fetch, and the scheduler must forget those outputs and run the map tasks again.
        Path executorsRoot = cluster.secretFile().getParent().resolve("executors");
        List<Path> dataFiles;
        try (var files = Files.walk(executorsRoot)) {
            dataFiles = files.filter(f -> f.getFileName().toString().matches("shuffle_.*\\.data")).toList();
        }
        assertThat(dataFiles).isNotEmpty();
        for (Path file : dataFiles) {
            Files.delete(file);
        }
        assertThat(counts.collectAsMap()).isEqualTo(expected);
    }

    @Test
    void broadcastsAccumulatorsAndCacheCrossProcesses() {
        Broadcast<Map<Integer, String>> names = ctx.broadcast(Map.of(0, "zero", 1, "one"));
        LongAccumulator computed = ctx.longAccumulator("computed");
        Dataset<String> named = ctx.parallelize(IntStream.range(0, 1000).boxed().toList(), 4)
                .map(n -> {
                    computed.add(1);
                    return names.value().get(n % 2);
                }).cache();
        assertThat(named.count()).isEqualTo(1000);
        assertThat(computed.value()).as("each element counted once, by task copies starting at zero").isEqualTo(1000);
        assertThat(named.filter("one"::equals).count()).isEqualTo(500);
        assertThat(named.filter("zero"::equals).count()).isEqualTo(500);
        assertThat(computed.value()).as("each task over a cached partition ran on the executor caching it")
                .isEqualTo(1000);
        long beforeUnpersist = computed.value();
        named.unpersist();
        assertThat(named.count()).isEqualTo(1000);
        assertThat(computed.value() - beforeUnpersist).as("after unpersist every partition is computed again")
                .isEqualTo(1000);
    }

    @Test
    void aResultAboveTheDirectLimitArrivesIntactAsABlock() {
        List<String> big = ctx.parallelize(List.of(0, 1), 2)
                .flatMap(p -> IntStream.range(0, 4000).mapToObj(i -> p + "-" + i).iterator()).collect();
        assertThat(big).hasSize(8000).startsWith("0-0", "0-1").endsWith("1-3999");
        assertThat(big.size() * 6L).as("each partition's result exceeds the direct limit").isGreaterThan(2 * MAX_DIRECT);
    }

    @Test
    void resultsAboveTheDriverLimitFailTheJobNamingTheSetting() {
        assertThatThrownBy(() -> ctx.parallelize(List.of(0), 1)
                .flatMap(p -> IntStream.range(0, 300_000).mapToObj(i -> "value-" + i).iterator()).collect())
                .hasMessageContaining("spindle.driver.maxResultSize");
        assertThat(ctx.parallelize(List.of(1, 2, 3), 3).reduce(Integer::sum)).as("the context still works").isEqualTo(6);
    }

    @Test
    void hostileConnectionsAreRefusedWhileTheJobRuns(@TempDir Path marks) throws Exception {
        // Every task holds its executor's core until the test is done with the intruders: the job runs throughout.
        Path release = marks.resolve("release");
        String dir = marks.toString();
        CompletableFuture<Long> job = CompletableFuture.supplyAsync(() -> ctx.parallelize(
                IntStream.range(0, 8).boxed().toList(), 8).map(n -> {
                    TaskMarks.make(Path.of(dir, "started-" + n));
                    TaskMarks.require(Path.of(dir, "release"), Duration.ofSeconds(60));
                    return n;
                }).count());
        Awaitility.await("a task running").atMost(Duration.ofSeconds(60)).until(() -> {
            try (Stream<Path> files = Files.list(marks)) {
                return files.anyMatch(f -> f.getFileName().toString().startsWith("started-"));
            }
        });
        try {
            int port = cluster.port();
            // Garbage instead of a handshake.
            try (Socket socket = new Socket("localhost", port)) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes());
                // The server's challenge, then the end: it closed the connection.
                socket.getInputStream().readAllBytes();
            }
            // The protocol's magic, then a forged proof.
            try (Socket socket = new Socket("localhost", port)) {
                socket.setSoTimeout(10_000);
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                out.write("SPINDLE1".getBytes());
                out.write(new byte[64]);
                out.flush();
                socket.getInputStream().readAllBytes();
            }
            RpcSettings settings = new RpcSettings(8 << 20, 5000, 5000, 16);
            RpcHandler ignore = (connection, message) -> { };
            // The wrong secret.
            assertThatThrownBy(() -> RpcConnection.connect("localhost", port, AppSecret.generate(), settings, ignore))
                    .isInstanceOf(RpcException.class);
            // The right secret, but an executor this application never started.
            AppSecret secret = AppSecret.readFrom(cluster.secretFile());
            CompletableFuture<Object> answer = new CompletableFuture<>();
            RpcConnection stranger = RpcConnection.connect("localhost", port, secret, settings, new RpcHandler() {
                @Override
                public void onMessage(RpcConnection connection, RpcMessage message) {
                    answer.complete(message.getBody());
                }
            });
            stranger.send(RegisterExecutor.newBuilder().setExecutorId("intruder").setHost("localhost").setBlockPort(1)
                    .setCores(64).setMemoryBytes(1L << 30).build());
            assertThat(answer.get(10, TimeUnit.SECONDS).toString()).contains("\"accepted\": false")
                    .contains("was not started by this application");
            // The right secret, then a frame above spindle.rpc.maxFrameSize.
            CompletableFuture<String> closed = new CompletableFuture<>();
            RpcConnection oversized = RpcConnection.connect("localhost", port, secret, settings, new RpcHandler() {
                @Override
                public void onMessage(RpcConnection connection, RpcMessage message) {
                }

                @Override
                public void onClose(RpcConnection connection, String reason) {
                    closed.complete(reason);
                }
            });
            try {
                oversized.send(RegisterExecutor.newBuilder().setExecutorId("x".repeat(2 << 20)).setHost("h")
                        .setBlockPort(1).setCores(1).setMemoryBytes(1).build());
            } catch (RpcException e) {
                // The driver may close the connection while the frame is still being written: the same refusal.
            }
            assertThat(closed.get(10, TimeUnit.SECONDS)).isNotNull();

            assertThat(job).as("the job, still waiting for the release").isNotDone();
        } finally {
            // Released whatever failed above: its tasks must not hold the executors that later tests share.
            TaskMarks.make(release);
        }
        assertThat(job.get(60, TimeUnit.SECONDS)).isEqualTo(8);
        assertThat(cluster.registeredExecutors()).isEqualTo(2);
        assertThat(ctx.parallelize(new ArrayList<>(List.of(1, 2, 3)), 2).reduce(Integer::sum)).isEqualTo(6);
    }
}
