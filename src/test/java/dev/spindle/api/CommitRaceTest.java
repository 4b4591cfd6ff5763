package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.Pair;
import dev.spindle.config.SpindleConf;
import dev.spindle.io.PausingFileSystem;
import dev.spindle.plan.ActiveTask;
import dev.spindle.plan.TaskContext;
import dev.spindle.plan.TaskFailure;
import dev.spindle.scheduler.spi.SchedulerEvent;
import dev.spindle.shuffle.FetchFailedException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two attempts of one output partition, interleaved step by step through a pausing file system: the driver lets
 * exactly one commit, the other discards its files, and the output holds one part file per partition and nothing
 * else (issue 16, item 2).
 */
@Timeout(120)
class CommitRaceTest {
    /** An attempt directory: {@code _attempt_STAGE.STAGEATTEMPT_PARTITION.ATTEMPT}. */
    private static final Pattern ATTEMPT_DIR = Pattern.compile("_attempt_\\d+\\.(\\d+)_(\\d+)\\.\\d+");
    /** The reduce partition that fails to fetch once, in the first stage attempt only. */
    private static final AtomicBoolean FETCH_FAILED = new AtomicBoolean();
    private static final String[] EXPECTED = {"w0=5", "w1=5", "w2=5", "w3=5", "w4=5", "w5=5", "w6=5", "w7=5"};
    /** Opened by the test when partition 0 of the first stage attempt is where it should be; partition 1 then fails. */
    private static volatile CountDownLatch failFetchWhen;
    /** Counted down when partition 0 of the first stage attempt has ended. */
    private static volatile CountDownLatch oldEnded;
    /** Runs when partition 0 of the first stage attempt ends (after its commit, before its status goes out). */
    private static volatile Runnable onOldEnd;

    @TempDir
    Path dir;

    private final RecordedEvents events = new RecordedEvents();
    /** Where tasks held in executor JVMs tell the test that they wait, and wait for its answer. */
    private ServerSocket gate;

    @BeforeEach
    void openGate() throws IOException {
        gate = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void removeHooksAndGate() throws IOException {
        PausingFileSystem.reset();
        gate.close();
    }

    /** Stage attempt and partition of the attempt directory {@code path} lies in; null outside one. */
    private static int[] attemptOf(org.apache.hadoop.fs.Path path) {
        for (org.apache.hadoop.fs.Path p = path; p != null; p = p.getParent()) {
            Matcher m = ATTEMPT_DIR.matcher(p.getName());
            if (m.matches()) {
                return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
            }
        }
        return null;
    }

    /** What a test does when an attempt has written its part file, just before it asks to commit. */
    @FunctionalInterface
    private interface CommitQuestion {
        void reached(int stageAttempt, int partition) throws IOException;
    }

    /** Calls {@code question} at every attempt's commit question: the part file's getFileStatus comes just before. */
    private static void atCommitQuestion(CommitQuestion question, PausingFileSystem.AfterHook after) {
        PausingFileSystem.install((operation, path) -> {
            int[] attempt = attemptOf(path);
            if (attempt != null && operation.equals("getFileStatus")) {
                question.reached(attempt[0], attempt[1]);
            }
        }, after);
    }

    private static boolean isAttemptDir(org.apache.hadoop.fs.Path path) {
        return ATTEMPT_DIR.matcher(path.getName()).matches();
    }

    /** local[4] (each task tried once: a denied commit counted as a failure would fail the job) on pausefile. */
    private Context pausingLocal() {
        Context ctx = new Context(SpindleConf.empty().with("spindle.master", "local[4]")
                .with("spindle.hadoop.fs." + PausingFileSystem.SCHEME + ".impl", PausingFileSystem.class.getName())
                .with("spindle.hadoop.fs." + PausingFileSystem.SCHEME + ".impl.disable.cache", "true"));
        events.listenTo(ctx);
        return ctx;
    }

    private String pausingOutput() {
        return PausingFileSystem.SCHEME + "://" + dir.resolve("out").toAbsolutePath();
    }

    /**
     * Word counts whose reduce stage fails a fetch in its first attempt: partition 1 throws once {@link
     * #failFetchWhen} opens; partition 0 of that attempt runs {@link #onOldEnd} when it ends.
     */
    private static Dataset<String> countsFailingOnce(Context ctx) {
        FETCH_FAILED.set(false);
        return ctx.parallelizePairs(words(), 4).reduceByKey(Integer::sum, 2)
                .mapPartitionsWithIndex((index, records) -> {
                    TaskContext task = ActiveTask.current().orElseThrow();
                    if (index == 0 && task.attemptId().stageAttempt() == 0) {
                        task.onCompletion(onOldEnd);
                    }
                    if (index == 1 && FETCH_FAILED.compareAndSet(false, true)) {
                        PausingFileSystem.awaitUninterruptibly(failFetchWhen, "partition 0's first attempt");
                        throw new FetchFailedException(-1, -1, "nowhere", "injected by the test", null);
                    }
                    return records;
                }).map(p -> p.key() + "=" + p.value());
    }

    /**
     * The save's stage fails a fetch and is resubmitted while partition 0 of its first attempt is about to ask to
     * commit (the kill of the old stage attempt does not stop a file system call). The old attempt is held until the
     * new attempt of partition 0 has written its part file; it then asks to commit, is denied (its stage attempt is
     * over), and deletes its files; only then may the new attempt ask, and it commits. Before attempt directories
     * named the stage attempt, both attempts wrote {@code _attempt_0_0}.
     */
    @Test
    void anAttemptOfAResubmittedStageIsDeniedAndOnlyTheNewAttemptCommits() throws Exception {
        failFetchWhen = new CountDownLatch(1);
        oldEnded = new CountDownLatch(1);
        onOldEnd = oldEnded::countDown;
        CountDownLatch newWritten = new CountDownLatch(1);
        CountDownLatch releaseOld = new CountDownLatch(1);
        CountDownLatch oldDiscarded = new CountDownLatch(1);
        atCommitQuestion((stageAttempt, partition) -> {
            if (partition == 0 && stageAttempt == 0) {
                failFetchWhen.countDown();
                PausingFileSystem.awaitUninterruptibly(releaseOld, "the first stage attempt's partition 0");
            } else if (partition == 0) {
                newWritten.countDown();
                PausingFileSystem.awaitUninterruptibly(oldDiscarded, "the discard of the old attempt");
            }
        }, (operation, path) -> {
            int[] attempt = attemptOf(path);
            if (operation.equals("delete") && isAttemptDir(path) && attempt[0] == 0 && attempt[1] == 0) {
                oldDiscarded.countDown();
            }
        });
        Path out = dir.resolve("out");
        try (Context ctx = pausingLocal()) {
            Dataset<String> counted = countsFailingOnce(ctx);
            String output = pausingOutput();
            CompletableFuture<Void> save = CompletableFuture.runAsync(() -> counted.saveAsTextFile(output));

            assertThat(failFetchWhen.await(60, TimeUnit.SECONDS)).as("partition 0 of stage attempt 0 wrote").isTrue();
            assertThat(newWritten.await(60, TimeUnit.SECONDS)).as("partition 0 of stage attempt 1 wrote").isTrue();
            releaseOld.countDown();
            save.get(60, TimeUnit.SECONDS);

            assertThat(ctx.driver().commitCoordinator().denied()).as("the old attempt was denied").isEqualTo(1);
            assertThat(ctx.driver().commitCoordinator().granted()).as("one commit per partition").isEqualTo(2);
            events.awaitJobFinished();
            assertThat(events.stream().filter(e -> e instanceof SchedulerEvent.TaskEnded t && t.failure() != null
                    && t.failure().reason() == TaskFailure.Reason.COMMIT_DENIED)).hasSize(1);
            org.awaitility.Awaitility.await().until(() -> ctx.driver().commitCoordinator().trackedStages() == 0);
        }
        assertThat(tree(dir)).containsExactly("out", "out/_SUCCESS", "out/part-00000", "out/part-00001");
        assertThat(lines(out)).containsExactlyInAnyOrder(EXPECTED);
    }

    /**
     * Partition 0 of the first stage attempt is allowed to commit, then held before it reports while the stage attempt
     * is replaced; the new attempt of partition 0 is allowed too (a new stage attempt). The old one's result arrives
     * first and is the one the job takes: the job commits exactly its files, and the new attempt's go with
     * {@code _temporary}.
     */
    @Test
    void whenTwoStageAttemptsCommitAPartitionTheJobTakesTheAttemptWhoseResultItTook() throws Exception {
        failFetchWhen = new CountDownLatch(1);
        CountDownLatch releaseOld = new CountDownLatch(1);
        onOldEnd = () -> {
            failFetchWhen.countDown();
            try {
                PausingFileSystem.awaitUninterruptibly(releaseOld, "the first stage attempt's partition 0");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        CountDownLatch newWritten = new CountDownLatch(1);
        CountDownLatch releaseNew = new CountDownLatch(1);
        CountDownLatch releaseLast = new CountDownLatch(1);
        atCommitQuestion((stageAttempt, partition) -> {
            if (stageAttempt == 1 && partition == 0) {
                newWritten.countDown();
                PausingFileSystem.awaitUninterruptibly(releaseNew, "the second stage attempt's partition 0");
            } else if (stageAttempt == 1) { // the job's last partition waits until partition 0 was allowed twice
                PausingFileSystem.awaitUninterruptibly(releaseLast, "the second stage attempt's partition 1");
            }
        }, (operation, path) -> { });
        try (Context ctx = pausingLocal()) {
            Dataset<String> counted = countsFailingOnce(ctx);
            CompletableFuture<Void> save = CompletableFuture.runAsync(() -> counted.saveAsTextFile(pausingOutput()));
            assertThat(newWritten.await(60, TimeUnit.SECONDS)).as("partition 0 of stage attempt 1 wrote").isTrue();
            releaseOld.countDown();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> events.stream()
                    .anyMatch(e -> e instanceof SchedulerEvent.TaskEnded t && t.stageAttempt() == 0
                            && t.partition() == 0 && t.failure() == null));
            releaseNew.countDown();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> ctx.driver().commitCoordinator().granted() == 2);
            releaseLast.countDown();
            save.get(60, TimeUnit.SECONDS);

            assertThat(ctx.driver().commitCoordinator().granted()).as("partition 0 in each stage attempt, partition 1")
                    .isEqualTo(3);
            assertThat(ctx.driver().commitCoordinator().denied()).isZero();
        }
        assertThat(tree(dir)).containsExactly("out", "out/_SUCCESS", "out/part-00000", "out/part-00001");
        assertThat(lines(dir.resolve("out"))).containsExactlyInAnyOrder(EXPECTED);
    }

    /**
     * A killed attempt of the replaced stage attempt, held inside its first file system call until the job has
     * committed, then goes on: it writes (making the job's temporary directory again), is denied, and deletes what it
     * made, so that the committed output holds no {@code _temporary}.
     */
    @Test
    void anAttemptThatOutlivesItsJobLeavesNoTemporaryDirectoryBehind() throws Exception {
        failFetchWhen = new CountDownLatch(1);
        oldEnded = new CountDownLatch(1);
        onOldEnd = oldEnded::countDown;
        CountDownLatch releaseOld = new CountDownLatch(1);
        PausingFileSystem.install((operation, path) -> {
            int[] attempt = attemptOf(path);
            if (attempt != null && attempt[0] == 0 && attempt[1] == 0 && operation.equals("create")) {
                failFetchWhen.countDown();
                PausingFileSystem.awaitUninterruptibly(releaseOld, "the first stage attempt's partition 0");
                Thread.interrupted(); // the call goes on despite the kill, as a slow file system call may
            }
        }, (operation, path) -> { });
        try (Context ctx = pausingLocal()) {
            countsFailingOnce(ctx).saveAsTextFile(pausingOutput());
            assertThat(tree(dir)).as("committed, partition 0's first attempt still held")
                    .containsExactly("out", "out/_SUCCESS", "out/part-00000", "out/part-00001");

            releaseOld.countDown();
            assertThat(oldEnded.await(60, TimeUnit.SECONDS)).as("the old attempt ended").isTrue();
            assertThat(ctx.driver().commitCoordinator().denied()).as("the old attempt was denied").isEqualTo(1);
            assertThat(ctx.driver().commitCoordinator().granted()).as("one commit per partition").isEqualTo(2);
        }
        assertThat(tree(dir)).containsExactly("out", "out/_SUCCESS", "out/part-00000", "out/part-00001");
        assertThat(lines(dir.resolve("out"))).containsExactlyInAnyOrder(EXPECTED);
    }

    /**
     * The same race in local-cluster, where executors ask the driver over RPC: partition 0 of the first stage attempt
     * holds its last record until the resubmitted stage attempt runs, then closes its part file, asks, is denied, and
     * discards it, while the resubmitted attempt's partition 0 waits. Each held task waits on a socket the test
     * answers, in the order the test chooses.
     */
    @Test
    void anExecutorProcessOfAReplacedStageAttemptIsDeniedOverRpc() throws Exception {
        Path out = dir.resolve("out");
        int port = gate.getLocalPort();
        try (Context ctx = localCluster()) {
            Dataset<String> counted = ctx.parallelizePairs(words(), 4).reduceByKey(Integer::sum, 2)
                    .mapPartitionsWithIndex((index, records) -> heldInFirstStageAttempt(index, records, port))
                    .map(p -> p.key() + "=" + p.value());
            CompletableFuture<Void> save = CompletableFuture.runAsync(() -> counted.saveAsTextFile(out.toString()));
            Map<Integer, Socket> held = new HashMap<>();
            for (int i = 0; i < 2; i++) {
                Socket task = gate.accept();
                held.put(new DataInputStream(task.getInputStream()).readInt(), task);
            }
            try {
                held.get(1).getOutputStream().write(1); // partition 1 now fails its fetch
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> events.stream()
                        .anyMatch(e -> e instanceof SchedulerEvent.StageSubmitted s && s.attempt() == 1));
                // Held until the old attempt has asked: once the job ended, the old attempt's directory could be
                // gone (the job's commit deletes it) before it asks, and its write would fail instead.
                Socket resubmitted = gate.accept();
                held.put(new DataInputStream(resubmitted.getInputStream()).readInt(), resubmitted);
                assertThat(held).containsKey(RESUBMITTED_PARTITION_0);
                held.get(0).getOutputStream().write(1); // partition 0 of attempt 0 finishes and asks
                org.awaitility.Awaitility.await("the old attempt's ask").atMost(Duration.ofSeconds(60))
                        .until(() -> ctx.driver().commitCoordinator().denied() > 0);
                held.get(RESUBMITTED_PARTITION_0).getOutputStream().write(1);
                save.get(60, TimeUnit.SECONDS);
            } finally {
                for (Socket task : held.values()) {
                    task.close();
                }
            }
            assertThat(ctx.driver().commitCoordinator().denied()).as("the old attempt was denied").isEqualTo(1);
            assertThat(ctx.driver().commitCoordinator().granted()).as("one commit per partition").isEqualTo(2);
        }
        assertThat(tree(dir)).containsExactly("out", "out/_SUCCESS", "out/part-00000", "out/part-00001");
        assertThat(lines(out)).containsExactlyInAnyOrder(EXPECTED);
    }

    /**
     * An attempt allowed to commit whose executor is killed before it reports: the driver gives the partition back,
     * and the retry on the other executor commits it (were the partition still held, every retry would be denied and
     * the job would never end).
     */
    @Test
    void anAllowedAttemptWhoseExecutorDiesGivesThePartitionBack() throws Exception {
        Path out = dir.resolve("out");
        int port = gate.getLocalPort();
        try (Context ctx = localCluster()) {
            Dataset<String> lines = ctx.parallelize(List.of("a", "b", "c", "d"), 2).mapPartitionsWithIndex(
                    (index, records) -> {
                        TaskContext task = ActiveTask.current().orElseThrow();
                        if (index == 0 && task.attemptId().attempt() == 0) {
                            // Runs after the save's function committed, before the status goes to the driver.
                            task.onCompletion(() -> waitForTest(port, (int) ProcessHandle.current().pid()));
                        }
                        return records;
                    });
            CompletableFuture<Void> save = CompletableFuture.runAsync(() -> lines.saveAsTextFile(out.toString()));
            long pid;
            try (Socket held = gate.accept(); DataInputStream in = new DataInputStream(held.getInputStream())) {
                pid = in.readInt();
                assertThat(ctx.driver().commitCoordinator().granted()).as("partition 0 was allowed").isPositive();
                assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).isTrue();
            }
            save.get(60, TimeUnit.SECONDS);

            assertThat(ctx.driver().commitCoordinator().granted()).as("partition 0 twice, partition 1 once")
                    .isEqualTo(3);
            assertThat(ctx.driver().commitCoordinator().denied()).isZero();
            events.awaitJobFinished();
            assertThat(events.stream().filter(e -> e instanceof SchedulerEvent.TaskEnded t && t.failure() != null
                    && t.failure().reason() == TaskFailure.Reason.EXECUTOR_LOST && t.partition() == 0)).hasSize(1);
        }
        assertThat(tree(dir)).containsExactly("out", "out/_SUCCESS", "out/part-00000", "out/part-00001");
        assertThat(lines(out)).containsExactly("a", "b", "c", "d");
    }

    /** The id partition 0 of the second stage attempt gives the test when it waits for it. */
    private static final int RESUBMITTED_PARTITION_0 = 10;

    /** Two executor JVMs of one core each, reached over RPC; the test records the scheduler events. */
    private Context localCluster() {
        Context ctx = new Context(SpindleConf.empty().with("spindle.master", "local-cluster[2,1,512]"));
        events.listenTo(ctx);
        return ctx;
    }

    /**
     * In the first stage attempt: partition 1 fails a fetch once the test says so; partition 0 holds its last record
     * until the test says so (and, like a task busy in a slow call, does not notice the kill meanwhile). In the second,
     * partition 0 starts when the test says so (it waits as {@link #RESUBMITTED_PARTITION_0}), so that the job cannot
     * end before the first attempt's partition 0 has asked to commit.
     */
    private static Iterator<Pair<String, Integer>> heldInFirstStageAttempt(int index,
            Iterator<Pair<String, Integer>> records, int port) {
        if (ActiveTask.current().orElseThrow().attemptId().stageAttempt() != 0) {
            if (index == 0) {
                waitForTest(port, RESUBMITTED_PARTITION_0);
            }
            return records;
        }
        if (index == 1) {
            waitForTest(port, index);
            throw new FetchFailedException(-1, -1, "nowhere", "injected by the test", null);
        }
        return new Iterator<>() {
            private boolean held;

            @Override
            public boolean hasNext() {
                if (records.hasNext()) {
                    return true;
                }
                if (!held) {
                    held = true;
                    waitForTest(port, index);
                }
                return false;
            }

            @Override
            public Pair<String, Integer> next() {
                return records.next();
            }
        };
    }

    /** Tells the test that the task that sends {@code id} waits, and waits for its answer. */
    private static void waitForTest(int port, int id) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            new DataOutputStream(socket.getOutputStream()).writeInt(id);
            socket.getOutputStream().flush();
            if (socket.getInputStream().read() < 0) {
                throw new IOException("the test closed the connection of task " + id);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.interrupted(); // the kill of its stage attempt went unnoticed, as in a slow file system call
    }

    private static List<Pair<String, Integer>> words() {
        List<Pair<String, Integer>> words = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            words.add(Pair.of("w" + (i % 8), 1));
        }
        return words;
    }

    private static List<String> lines(Path out) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(out.resolve("part-00000")));
        lines.addAll(Files.readAllLines(out.resolve("part-00001")));
        return lines;
    }

    /** Every file and directory under {@code root} but checksum files, relative and sorted. */
    private static List<String> tree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(p -> !p.equals(root) && !p.getFileName().toString().endsWith(".crc"))
                    .map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }
}
