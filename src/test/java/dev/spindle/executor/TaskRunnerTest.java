package dev.spindle.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.ExecutorId;
import dev.spindle.common.TaskAttemptId;
import dev.spindle.config.SpindleConf;
import dev.spindle.plan.NodeInfo;
import dev.spindle.plan.ParallelCollectionNode;
import dev.spindle.plan.ResultFunction;
import dev.spindle.plan.TaskBinary;
import dev.spindle.plan.TaskDescription;
import dev.spindle.plan.TaskKind;
import dev.spindle.plan.TaskState;
import dev.spindle.plan.TaskStatus;
import dev.spindle.serde.ClosureSerializer;
import dev.spindle.serde.DefaultRecordSerializer;
import dev.spindle.shuffle.LocalBlockFetcher;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kill reaches the task it targets only, never the next task that its thread runs however the two overlap; and a
 * task whose status cannot be reported reports a failure instead.
 */
@Timeout(120)
class TaskRunnerTest {
    private static final int CYCLES = 10_000;
    private static final ClosureSerializer CLOSURES = new ClosureSerializer();
    private static final DefaultRecordSerializer RECORDS = new DefaultRecordSerializer();

    /** Released by each ending task as it returns; statics, because task code travels as a copy. */
    private static final Semaphore ENDING = new Semaphore(0);
    private static final ParallelCollectionNode<Integer> NODE = new ParallelCollectionNode<>(
            new NodeInfo(1, "parallelize", "test"), List.of(1), 1);
    /** What the next task waits for: released once the killer has stopped, so any interrupt it sent has landed. */
    private static final Semaphore KILLER_DONE = new Semaphore(0);

    @TempDir
    Path dir;

    @Test
    void aTaskKilledWhileItEndsNeverInterruptsTheNextTaskOnItsThread() throws Exception {
        BlockingQueue<TaskStatus> statuses = new LinkedBlockingQueue<>();
        ClassLoader loader = getClass().getClassLoader();
        ExecutorServices services = services(loader);
        byte[] partition = CLOSURES.serializeValue(NODE.partitions().get(0), "partition");
        ResultFunction<Integer, Integer> ending = (context, elements) -> {
            ENDING.release();
            return 0;
        };
        // 1 when the thread is interrupted as the task starts, or while it waits for the killer to stop; else 0.
        ResultFunction<Integer, Integer> next = (context, elements) -> {
            if (Thread.currentThread().isInterrupted()) {
                return 1;
            }
            try {
                return KILLER_DONE.tryAcquire(30, TimeUnit.SECONDS) ? 0 : 2;
            } catch (InterruptedException e) {
                return 1;
            }
        };
        byte[] endingCode = CLOSURES.serialize(new TaskBinary.Result<>(NODE, ending, false), "ending");
        byte[] nextCode = CLOSURES.serialize(new TaskBinary.Result<>(NODE, next, false), "next");
        try (Executor executor = new Executor(services, statuses::add)) {
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                long killed = 2L * cycle;
                long after = killed + 1;
                executor.launch(task(killed, endingCode, partition));
                executor.launch(task(after, nextCode, partition));
                assertThat(ENDING.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
                // Killed over and over while it ends, until its status is in: a kill that read the thread while the
                // task ran, and is descheduled before it interrupts, lands once the thread has moved on.
                TaskStatus first;
                do {
                    executor.kill(killed, "the test kills it as it ends");
                    first = statuses.poll();
                } while (first == null);
                KILLER_DONE.release();
                TaskStatus second = statuses.poll(30, TimeUnit.SECONDS);
                assertThat(first.taskId()).isEqualTo(killed);
                assertThat(first.state()).isIn(TaskState.FINISHED, TaskState.KILLED);
                assertThat(second).isNotNull();
                assertThat(second.taskId()).isEqualTo(after);
                assertThat(second.state()).as("cycle %d: %s", cycle, second.failure()).isEqualTo(TaskState.FINISHED);
                assertThat(RECORDS.fromBytes(second.result().value(), loader))
                        .as("cycle %d: the next task saw an interrupt", cycle).isEqualTo(0);
                KILLER_DONE.drainPermits();
            }
        }
    }

    /** Holds the first task on the executor's only thread until released. */
    private static final Semaphore HOLDING = new Semaphore(0);
    private static final Semaphore HELD = new Semaphore(0);
    private static final java.util.concurrent.atomic.AtomicInteger QUEUED_RUNS =
            new java.util.concurrent.atomic.AtomicInteger();

    @Test
    void aTaskKilledWhileItWaitsForAThreadReportsKilledAndNeverRuns() throws Exception {
        ClassLoader loader = getClass().getClassLoader();
        BlockingQueue<TaskStatus> statuses = new LinkedBlockingQueue<>();
        ResultFunction<Integer, Integer> holding = (context, elements) -> {
            HELD.release();
            try {
                return HOLDING.tryAcquire(30, TimeUnit.SECONDS) ? 0 : 2;
            } catch (InterruptedException e) {
                return 1;
            }
        };
        ResultFunction<Integer, Integer> queued = (context, elements) -> QUEUED_RUNS.incrementAndGet();
        byte[] partition = CLOSURES.serializeValue(NODE.partitions().get(0), "partition");
        try (Executor executor = new Executor(services(loader), statuses::add)) {
            executor.launch(task(1, CLOSURES.serialize(new TaskBinary.Result<>(NODE, holding, false), "holding"),
                    partition));
            assertThat(HELD.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
            executor.launch(task(2, CLOSURES.serialize(new TaskBinary.Result<>(NODE, queued, false), "queued"),
                    partition));
            executor.kill(2, "the test kills it in the queue");
            HOLDING.release();

            TaskStatus first = statuses.poll(30, TimeUnit.SECONDS);
            TaskStatus second = statuses.poll(30, TimeUnit.SECONDS);
            assertThat(first).isNotNull();
            assertThat(first.state()).isEqualTo(TaskState.FINISHED);
            assertThat(second).isNotNull();
            assertThat(second.taskId()).isEqualTo(2);
            assertThat(second.state()).isEqualTo(TaskState.KILLED);
            assertThat(second.failure().message()).contains("killed before it started");
            assertThat(QUEUED_RUNS).as("the queued task's function ran").hasValue(0);
        }
    }

    @Test
    void aStatusTheSinkCannotTakeIsReplacedByAFailureThatSaysWhy() throws Exception {
        ClassLoader loader = getClass().getClassLoader();
        BlockingQueue<TaskStatus> statuses = new LinkedBlockingQueue<>();
        TaskStatusSink refusesResults = status -> {
            if (status.state() == TaskState.FINISHED) {
                throw new IllegalArgumentException("cannot encode this result");
            }
            statuses.add(status);
        };
        ResultFunction<Integer, Integer> plain = (context, elements) -> 1;
        try (Executor executor = new Executor(services(loader), refusesResults)) {
            executor.launch(task(1, CLOSURES.serialize(new TaskBinary.Result<>(NODE, plain, false), "plain"),
                    CLOSURES.serializeValue(NODE.partitions().get(0), "partition")));
            TaskStatus status = statuses.poll(30, TimeUnit.SECONDS);
            assertThat(status).isNotNull();
            assertThat(status.state()).isEqualTo(TaskState.FAILED);
            assertThat(status.failure().countsTowardsFailures()).isTrue();
            assertThat(status.failure().message()).contains("FINISHED status could not be reported",
                    "cannot encode this result");
            org.awaitility.Awaitility.await().until(() -> executor.runningTasks() == 0);
        }
    }

    private ExecutorServices services(ClassLoader loader) {
        return ExecutorServices.assemble(new ExecutorServices.Wiring(ExecutorId.DRIVER, "localhost", -1, 1,
                SpindleConf.empty(), loader, CLOSURES::deserialize, RECORDS, dir, shuffleId -> List.of(),
                files -> new LocalBlockFetcher(files, ExecutorId.DRIVER), id -> new byte[0], null, attempt -> true));
    }

    private static TaskDescription task(long taskId, byte[] code, byte[] partition) {
        return new TaskDescription(new TaskAttemptId(taskId, 0, 0, 0, 0), 0, TaskKind.RESULT, code, partition);
    }
}
