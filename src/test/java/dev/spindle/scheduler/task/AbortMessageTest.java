package dev.spindle.scheduler.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.Clock;
import dev.spindle.common.ExecutorId;
import dev.spindle.common.SpindleException;
import dev.spindle.plan.TaskFailure;
import dev.spindle.plan.TaskKind;
import dev.spindle.plan.TaskState;
import dev.spindle.plan.TaskStatus;
import dev.spindle.scheduler.spi.TaskLaunch;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The message that aborts a task set after a task's last attempt. */
class AbortMessageTest {
    private final FakeBackend backend = new FakeBackend();
    private final RecordingListener listener = new RecordingListener();
    private final TaskScheduler scheduler = new TaskScheduler(backend, listener, new TaskScheduler.Settings(1, 0),
            Clock.SYSTEM);

    @AfterEach
    void close() {
        scheduler.close();
    }

    @ParameterizedTest(name = "{0}: stack trace shown {2}")
    @CsvSource({
        // Spindle's own errors say what is wrong and what to do: their trace would bury that.
        "dev.spindle.common.SpindleException, corrupt input file:/in/a.gz: not valid .gz data, false",
        // A user's exception is debugged from its trace.
        "java.lang.IllegalStateException, bad record 7, true",
    })
    void theMessageNamesTheFailureAndShowsTheTraceOfUserExceptionsOnly(String exceptionClass, String message,
            boolean traceShown) throws InterruptedException {
        assertThat(SpindleException.class.getName()).isEqualTo("dev.spindle.common.SpindleException");
        scheduler.executorAdded(new ExecutorId("1"), "host1", 1);
        scheduler.submit(new TaskSet(3, 0, 0, TaskKind.RESULT, new byte[0],
                List.of(new TaskSet.PendingTask(0, new byte[0], List.of()))));
        TaskLaunch launch = backend.launches.poll(10, TimeUnit.SECONDS);
        assertThat(launch).isNotNull();
        String trace = exceptionClass + ": " + message + "\n\tat some.Frame.method(Frame.java:1)";
        scheduler.statusUpdate(TaskStatus.failed(launch.task().taskId(), launch.executor(), TaskState.FAILED,
                new TaskFailure(TaskFailure.Reason.EXCEPTION, exceptionClass, message, trace, null, null)));
        assertThat(scheduler.activeTaskSets()).isZero();
        assertThat(listener.taskSetFailures).singleElement().asString()
                .contains("failed 1 times")
                .contains("on executor 1: " + exceptionClass + ": " + message)
                .satisfies(reason -> assertThat(reason.contains("some.Frame.method")).isEqualTo(traceShown));
    }
}
