package dev.spindle.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.ExecutorId;
import dev.spindle.common.TaskAttemptId;
import dev.spindle.config.SpindleConf;
import dev.spindle.executor.TaskMessages;
import dev.spindle.plan.TaskDescription;
import dev.spindle.plan.TaskKind;
import dev.spindle.plan.TaskMetrics;
import dev.spindle.plan.TaskResult;
import dev.spindle.plan.TaskState;
import dev.spindle.plan.TaskStatus;
import dev.spindle.rpc.AppSecret;
import dev.spindle.rpc.RpcConnection;
import dev.spindle.rpc.RpcHandler;
import dev.spindle.rpc.RpcServer;
import dev.spindle.rpc.RpcSettings;
import dev.spindle.rpc.message.ExecutorRegistered;
import dev.spindle.rpc.message.Heartbeat;
import dev.spindle.rpc.message.HeartbeatResponse;
import dev.spindle.rpc.message.LaunchTask;
import dev.spindle.rpc.message.RegisterExecutor;
import dev.spindle.rpc.message.RpcMessage;
import dev.spindle.rpc.message.RunningTaskMetrics;
import dev.spindle.scheduler.spi.BackendCallbacks;
import dev.spindle.scheduler.spi.CacheLocations;
import dev.spindle.scheduler.spi.TaskLaunch;
import dev.spindle.serde.DefaultRecordSerializer;
import dev.spindle.shuffle.ReturnedShuffleOutputs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor-process backend against a stand-in executor on a real connection: registrations and losses reach the
 * scheduler in the order they happen, and a heartbeat exposes a task whose status was lost, never one on its way.
 */
@Timeout(60)
class ClusterBackendTest {
    private static final ExecutorId EXECUTOR = new ExecutorId("1");
    private static final Map<String, String> LOG_URLS = Map.of(
            "stdout", "http://nm:8042/node/containerlogs/container_1_0001_01_000002/alice/stdout",
            "stderr", "http://nm:8042/node/containerlogs/container_1_0001_01_000002/alice/stderr");
    private static final SpindleConf CONF = SpindleConf.empty().with("spindle.rpc.maxFrameSize", "64k")
            .with("spindle.task.maxDirectResultSize", "32k");

    @TempDir
    Path dir;

    private final CompletableFuture<ExecutorProvisioner.Callbacks> provisioned = new CompletableFuture<>();
    private final BlockingQueue<String> membership = new LinkedBlockingQueue<>();
    private final BlockingQueue<TaskStatus> statuses = new LinkedBlockingQueue<>();
    private final BlockingQueue<Object> toExecutor = new LinkedBlockingQueue<>();
    /** Runs inside executorAdded before it is recorded: where a test holds the registration. */
    private Runnable whileAdding = () -> { };
    private final BlockingQueue<Map<String, String>> addedLogUrls = new LinkedBlockingQueue<>();
    private ClusterBackend backend;
    private RpcConnection executor;

    @AfterEach
    void stop() {
        if (executor != null) {
            executor.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void aLossThatComesWhileTheExecutorIsBeingAddedReachesTheSchedulerAfterTheAddition() throws Exception {
        CountDownLatch adding = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        whileAdding = () -> {
            adding.countDown();
            await(proceed);
        };
        start();
        connectAndRegister();
        await(adding);
        // The executor is registered in the backend, the scheduler not yet told: its process ends now.
        provisioned.get().executorExited(EXECUTOR, "killed by the test while it registered");
        proceed.countDown();
        List<String> seen = new ArrayList<>();
        seen.add(membership.poll(30, TimeUnit.SECONDS));
        seen.add(membership.poll(30, TimeUnit.SECONDS));
        assertThat(seen).as("a loss before the addition would leave the scheduler a ghost executor")
                .containsExactly("added 1", "lost 1");
        assertThat(backend.registeredExecutors()).isZero();
    }

    @Test
    void theLogPagesAnExecutorRegistersWithReachTheScheduler() throws Exception {
        start();
        connectAndRegister();
        assertThat(addedLogUrls.poll(30, TimeUnit.SECONDS)).isEqualTo(LOG_URLS);
    }

    @Test
    void aTaskTheHeartbeatNoLongerListsIsFailedOnlyOnceTheExecutorHadIt() throws Exception {
        start();
        connectAndRegister();
        assertThat(membership.poll(30, TimeUnit.SECONDS)).isEqualTo("added 1");
        backend.launchTasks(List.of(new TaskLaunch(EXECUTOR, task(7, 100))));
        assertThat(next(LaunchTask.class).getTaskId()).isEqualTo(7);

        heartbeat(0); // made before the task arrived: it cannot list it
        heartbeat(1, 7L); // has it, runs it
        assertThat(statuses).isEmpty();

        heartbeat(1); // has had it, no longer runs it, and its status never came
        assertThat(statuses).hasSize(1);
        TaskStatus lost = statuses.poll();
        assertThat(lost.taskId()).isEqualTo(7);
        assertThat(lost.state()).isEqualTo(TaskState.FAILED);
        assertThat(lost.failure().countsTowardsFailures()).isTrue();
        assertThat(lost.failure().message()).contains("executor 1 no longer runs task 7", "the status was lost");
        heartbeat(1);
        assertThat(statuses).as("failed once").isEmpty();

        // A task whose status came is done with, whatever heartbeats follow.
        backend.launchTasks(List.of(new TaskLaunch(EXECUTOR, task(8, 100))));
        assertThat(next(LaunchTask.class).getTaskId()).isEqualTo(8);
        executor.send(TaskMessages.update(TaskStatus.finished(8, EXECUTOR,
                new TaskResult(new byte[] {1}, List.of(), new TaskMetrics()))));
        heartbeat(2);
        assertThat(statuses).hasSize(1);
        assertThat(statuses.poll().state()).isEqualTo(TaskState.FINISHED);
    }

    @Test
    void aTaskTooLargeToSendFailsNamingTheFrameLimitAndKeepsTheExecutor() throws Exception {
        start();
        connectAndRegister();
        assertThat(membership.poll(30, TimeUnit.SECONDS)).isEqualTo("added 1");
        backend.launchTasks(List.of(new TaskLaunch(EXECUTOR, task(9, 100 << 10))));
        TaskStatus failed = statuses.poll(30, TimeUnit.SECONDS);
        assertThat(failed.state()).isEqualTo(TaskState.FAILED);
        assertThat(failed.failure().countsTowardsFailures()).isTrue();
        assertThat(failed.failure().message()).contains("spindle.rpc.maxFrameSize=65536", "broadcast large values");
        heartbeat(0);
        assertThat(backend.registeredExecutors()).isEqualTo(1);
        assertThat(membership).isEmpty();
        // The code that was never sent is not taken for kept: the next task of the stage carries it.
        backend.launchTasks(List.of(new TaskLaunch(EXECUTOR, task(10, 100))));
        assertThat(next(LaunchTask.class).getTaskBinary()).isNotNull();
    }

    @Test
    void aStageAttemptsCodeGoesToAnExecutorWithItsFirstTaskOnly() throws Exception {
        start();
        connectAndRegister();
        assertThat(membership.poll(30, TimeUnit.SECONDS)).isEqualTo("added 1");
        backend.launchTasks(List.of(new TaskLaunch(EXECUTOR, task(1, 3, 0, 100)),
                new TaskLaunch(EXECUTOR, task(2, 3, 0, 100)), new TaskLaunch(EXECUTOR, task(3, 4, 0, 100))));
        backend.launchTasks(List.of(new TaskLaunch(EXECUTOR, task(4, 3, 0, 100)),
                new TaskLaunch(EXECUTOR, task(5, 3, 1, 100))));
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            LaunchTask launch = next(LaunchTask.class);
            sent.add(launch.getTaskId() + (launch.getTaskBinary() == null ? " without code" : " with code"));
        }
        assertThat(sent).containsExactly("1 with code", "2 without code", "3 with code", "4 without code",
                "5 with code");
    }

    private void start() {
        ExecutorProvisioner provisioner = new ExecutorProvisioner() {
            @Override
            public void start(DriverEndpoint endpoint, Callbacks callbacks) {
                provisioned.complete(callbacks);
            }

            @Override
            public int expectedCores() {
                return 1;
            }

            @Override
            public boolean launched(ExecutorId id, String containerId) {
                return true;
            }

            @Override
            public void kill(ExecutorId id) {
            }

            @Override
            public void close() {
            }
        };
        backend = new ClusterBackend(new ClusterBackend.Services(CONF, getClass().getClassLoader(), dir, "localhost",
                id -> new byte[0], shuffleId -> List.of(), new DefaultRecordSerializer(), new CacheLocations(),
                new ReturnedShuffleOutputs(), attempt -> true), provisioner, RpcServer.bind("localhost", 0));
        backend.start(new BackendCallbacks() {
            @Override
            public void executorAdded(ExecutorId id, String host, int cores, long maxMemoryBytes,
                    java.util.Map<String, String> logUrls) {
                whileAdding.run();
                addedLogUrls.add(logUrls);
                membership.add("added " + id.id());
            }

            @Override
            public void executorLost(ExecutorId id, String reason) {
                membership.add("lost " + id.id());
            }

            @Override
            public void backendFailed(String reason) {
                membership.add("failed: " + reason);
            }

            @Override
            public void statusUpdate(TaskStatus status) {
                statuses.add(status);
            }
        });
    }

    private void connectAndRegister() {
        executor = RpcConnection.connect("localhost", backend.port(), AppSecret.readFrom(backend.secretFile()),
                RpcSettings.from(CONF), new RpcHandler() {
                    @Override
                    public void onMessage(RpcConnection connection, RpcMessage message) {
                        toExecutor.add(message.getBody());
                    }
                });
        executor.send(RegisterExecutor.newBuilder().setExecutorId(EXECUTOR.id()).setHost("localhost")
                .setBlockPort(1).setCores(1).setMemoryBytes(1L << 30).setLogUrls(LOG_URLS).build());
    }

    /** Sends a heartbeat and waits for its answer, by which time the backend has reconciled it. */
    private void heartbeat(long tasksReceived, Long... running) throws InterruptedException {
        List<RunningTaskMetrics> listed = new ArrayList<>();
        for (long taskId : running) {
            listed.add(RunningTaskMetrics.newBuilder().setTaskId(taskId).setMetrics(Map.of()).build());
        }
        executor.send(Heartbeat.newBuilder().setExecutorId(EXECUTOR.id()).setSentAtMillis(0)
                .setRunningTasks(listed).setTasksReceived(tasksReceived).build());
        assertThat(next(HeartbeatResponse.class).getReregister()).isFalse();
    }

    private <T> T next(Class<T> type) throws InterruptedException {
        while (true) {
            Object message = toExecutor.poll(30, TimeUnit.SECONDS);
            assertThat(message).as("a %s from the driver", type.getSimpleName()).isNotNull();
            if (type.isInstance(message)) {
                return type.cast(message);
            }
            assertThat(message).as("before the %s", type.getSimpleName()).isInstanceOf(ExecutorRegistered.class);
        }
    }

    private static TaskDescription task(long taskId, int codeBytes) {
        return task(taskId, 0, 0, codeBytes);
    }

    private static TaskDescription task(long taskId, int stageId, int stageAttempt, int codeBytes) {
        return new TaskDescription(new TaskAttemptId(taskId, stageId, stageAttempt, 0, 0), 0, TaskKind.RESULT,
                new byte[codeBytes], new byte[1]);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
