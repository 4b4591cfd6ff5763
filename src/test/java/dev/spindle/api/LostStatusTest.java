package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.cluster.ClusterBackend;
import dev.spindle.cluster.ExecutorProvisioner;
import dev.spindle.common.ExecutorId;
import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.driver.Driver;
import dev.spindle.driver.DriverHost;
import dev.spindle.executor.ExecutorProcess;
import dev.spindle.executor.TaskStatusSink;
import dev.spindle.rpc.AppSecret;
import dev.spindle.rpc.RpcServer;
import dev.spindle.scheduler.spi.SchedulerEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every task ends in a status the driver hears of: one too large for an RPC frame arrives as a failure naming
 * spindle.rpc.maxFrameSize, and one lost on the way is found missing from the executor's next heartbeat and its task
 * run again. Before, both hung the job until it was killed.
 */
@Timeout(120)
class LostStatusTest {
    private static final String SMALL_FRAMES = "64k";

    @TempDir
    Path dir;

    /** The reproduction: a direct result size that cannot fit a frame is refused when the driver starts. */
    @Test
    void aDirectResultSizeAboveTheFrameSizeIsRefusedAtStart() {
        assertThatThrownBy(() -> new Context(SpindleConf.empty().with("spindle.master", "local-cluster[1,1,512]")
                .with("spindle.rpc.maxFrameSize", SMALL_FRAMES).with("spindle.task.maxDirectResultSize", "1m")))
                .isInstanceOf(SpindleException.class)
                .hasMessageContaining("spindle.task.maxDirectResultSize=1m must be below spindle.rpc.maxFrameSize=64k");
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void statusesLargerThanAFrameEndTheirTasksInsteadOfVanishing() {
        try (Context ctx = new Context(SpindleConf.empty().with("spindle.master", "local-cluster[1,1,512]")
                .with("spindle.rpc.maxFrameSize", SMALL_FRAMES).with("spindle.task.maxDirectResultSize", "32k"))) {
            // A 300 KB result, over the frame size, travels as a block.
            List<String> big = ctx.parallelize(List.of(0), 1)
                    .flatMap(p -> IntStream.range(0, 30_000).mapToObj(i -> String.format("%09d", i)).iterator())
                    .collect();
            assertThat(big).hasSize(30_000).endsWith("000029999");

            // A failure whose report is over the frame size: a message of 300 KB.
            long start = System.nanoTime();
            assertThatThrownBy(() -> ctx.parallelize(List.of(1, 2), 2).map(x -> {
                if (x == 2) {
                    throw new IllegalStateException("huge " + "x".repeat(300_000));
                }
                return x;
            }).collect())
                    .isInstanceOf(SpindleException.class)
                    .hasMessageContaining("over spindle.rpc.maxFrameSize=65536")
                    .hasMessageContaining("raise it above")
                    .hasMessageContaining("java.lang.IllegalStateException")
                    .hasMessageContaining("huge xxxx");
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(30);
            assertThat(ctx.parallelize(List.of(1, 2, 3), 3).reduce(Integer::sum)).as("the context still works")
                    .isEqualTo(6);
        }
    }

    @Test
    void aStatusDroppedOnTheExecutorIsFoundMissingAtTheNextHeartbeatAndItsTaskRunsAgain() throws Exception {
        AtomicInteger dropped = new AtomicInteger();
        InProcessExecutor executor = new InProcessExecutor(dir, sink -> status -> {
            if (dropped.compareAndSet(0, 1)) {
                return; // the first status never leaves the executor
            }
            sink.statusUpdate(status);
        });
        SpindleConf conf = SpindleConf.empty().with("spindle.master", "local-cluster[1,1,512]")
                .with("spindle.executor.heartbeatInterval", "200ms");
        try (Driver driver = Driver.start(conf, getClass().getClassLoader(), backend -> new ClusterBackend(
                backend.clusterServices(), executor, RpcServer.bind(backend.host(), 0)), Driver.Hosting.local())) {
            RecordedEvents events = new RecordedEvents();
            CompletableFuture<List<Integer>> result = new CompletableFuture<>();
            DriverHost.of(driver, "the test").run(() -> {
                try (Context ctx = new Context(SpindleConf.empty())) {
                    events.listenTo(ctx);
                    result.complete(ctx.parallelize(List.of(1, 2, 3, 4), 2).map(x -> x * 10).collect());
                }
            });
            assertThat(result.get()).containsExactly(10, 20, 30, 40);
            assertThat(dropped.get()).isEqualTo(1);
            events.awaitJobFinished();
            List<SchedulerEvent.TaskEnded> failed = events.stream()
                    .filter(e -> e instanceof SchedulerEvent.TaskEnded t && t.failure() != null)
                    .map(SchedulerEvent.TaskEnded.class::cast).toList();
            assertThat(failed).as("the one task whose status was lost").hasSize(1);
            assertThat(failed.get(0).failure().message()).contains("no longer runs task", "the status was lost");
            List<SchedulerEvent.TaskStarted> started = events.stream()
                    .filter(e -> e instanceof SchedulerEvent.TaskStarted)
                    .map(SchedulerEvent.TaskStarted.class::cast).toList();
            assertThat(started).as("two tasks and one retry").hasSize(3);
            assertThat(started.get(2).partition()).isEqualTo(failed.get(0).partition());
            assertThat(started.get(2).attempt()).isEqualTo(1);
        }
    }

    /** One executor process run on a thread of this JVM, its status sink wrapped by the test. */
    private static final class InProcessExecutor implements ExecutorProvisioner {
        private static final ExecutorId ID = new ExecutorId("1");
        private final Path dir;
        private final java.util.function.UnaryOperator<TaskStatusSink> statusSink;
        private Thread thread;

        InProcessExecutor(Path dir, java.util.function.UnaryOperator<TaskStatusSink> statusSink) {
            this.dir = dir;
            this.statusSink = statusSink;
        }

        @Override
        public void start(DriverEndpoint endpoint, Callbacks callbacks) {
            ExecutorProcess process = new ExecutorProcess(new ExecutorProcess.Settings(ID, "localhost", 1,
                    endpoint.host(), endpoint.port(), AppSecret.readFrom(Path.of(endpoint.secretFile())),
                    SpindleConf.fromFile(Path.of(endpoint.confFile())), dir.resolve("executor")), statusSink);
            thread = new Thread(() -> callbacks.executorExited(ID, "exited with " + process.run()), "executor-1");
            thread.start();
        }

        @Override
        public int expectedCores() {
            return 1;
        }

        @Override
        public boolean launched(ExecutorId id, String containerId) {
            return id.equals(ID);
        }

        @Override
        public void kill(ExecutorId id) {
            thread.interrupt();
        }

        @Override
        public void close() {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
