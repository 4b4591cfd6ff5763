package dev.spindle.executor;

import dev.spindle.common.TaskAttemptId;
import dev.spindle.plan.Accumulator;
import dev.spindle.plan.ActiveTask;
import dev.spindle.plan.TaskBinary;
import dev.spindle.plan.TaskDescription;
import dev.spindle.serde.ClosureSerializer;
import java.util.ArrayList;
import java.util.List;

/**
 * Deserializes task code, and with {@code spindle.executor.reuseTaskCode} keeps, per executor thread, the code of the
 * stage attempt that thread ran last when the driver found that code {@linkplain TaskBinary#shareable() shareable}
 * (all captured state immutable): the next task of the same stage attempt on that thread reuses it instead of
 * deserializing it again (Java deserialization of lambdas is most of a small task's cost). Code that captures
 * mutable state is deserialized for every task, so no task sees what another left in it. Accumulators found in
 * reused code start from zero again for each task and register with it, as freshly deserialized ones do.
 */
final class TaskCode {
    private static final ClosureSerializer COPIES = new ClosureSerializer();

    /** The code of one stage attempt and the accumulators inside it. */
    private record Loaded(int stageId, int stageAttempt, byte[] bytes, TaskBinary binary,
            List<Accumulator<?, ?>> accumulators) {
    }

    private final ExecutorServices services;
    private final boolean reuse;
    private final ThreadLocal<Loaded> last = new ThreadLocal<>();

    TaskCode(ExecutorServices services, boolean reuse) {
        this.services = services;
        this.reuse = reuse;
    }

    /** The task's code, its accumulators registered with {@code context} (the active task on this thread). */
    TaskBinary binary(TaskDescription task, RunningTaskContext context) {
        TaskAttemptId id = task.attemptId();
        Loaded loaded = reuse ? last.get() : null;
        if (loaded != null && loaded.stageId() == id.stageId() && loaded.stageAttempt() == id.stageAttempt()
                && sameBytes(loaded.bytes(), task.taskBinary())) {
            for (Accumulator<?, ?> accumulator : loaded.accumulators()) {
                accumulator.reset();
                context.registerAccumulator(accumulator);
            }
            return loaded.binary();
        }
        int before = context.accumulators().size();
        TaskBinary binary = (TaskBinary) services.code().load(task.taskBinary(), services.classLoader());
        if (!reuse) {
            return binary;
        }
        if (binary.shareable()) {
            List<Accumulator<?, ?>> all = context.accumulators();
            last.set(new Loaded(id.stageId(), id.stageAttempt(), task.taskBinary(), binary,
                    List.copyOf(all.subList(before, all.size()))));
        } else {
            last.remove();
        }
        return binary;
    }

    /**
     * The accumulator values to report: copies when the code is kept for the next task on this thread, which resets
     * the originals while the driver may still be merging them.
     */
    List<Accumulator<?, ?>> reportable(List<Accumulator<?, ?>> accumulators) {
        if (!reuse || accumulators.isEmpty() || last.get() == null) {
            return accumulators;
        }
        var task = ActiveTask.current();
        ActiveTask.clear(); // a copy must not register with the task, nor start from zero
        try {
            @SuppressWarnings("unchecked")
            List<Accumulator<?, ?>> copies = (List<Accumulator<?, ?>>) services.code().load(
                    COPIES.serialize(new ArrayList<>(accumulators), "accumulator values"), services.classLoader());
            return copies;
        } finally {
            task.ifPresent(ActiveTask::set);
        }
    }

    /** Same stage attempt, same code: the driver serializes it once, so in-process tasks share the array. */
    private static boolean sameBytes(byte[] a, byte[] b) {
        return a == b || java.util.Arrays.equals(a, b);
    }
}
