package dev.spindle.scheduler.dag;

import dev.spindle.common.SpindleException;
import dev.spindle.plan.Node;
import dev.spindle.plan.Partition;
import dev.spindle.plan.TaskBinary;
import dev.spindle.plan.TaskKind;
import dev.spindle.scheduler.spi.CacheLocations;
import dev.spindle.scheduler.task.TaskSet;
import dev.spindle.serde.CapturedState;
import java.util.ArrayList;
import java.util.List;

/** Serializes a stage attempt into a {@link TaskSet}: its code once, each task's partition, their locality. */
final class TaskSetBuilder {
    /** The task set, or why it could not be built (code that does not serialize). */
    record Built(TaskSet value, String failure) {
        boolean isFailure() {
            return failure != null;
        }
    }

    private final StageSerializer serializer;
    private final CacheLocations cacheLocations;

    TaskSetBuilder(StageSerializer serializer, CacheLocations cacheLocations) {
        this.serializer = serializer;
        this.cacheLocations = cacheLocations;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    Built build(Stage stage, int attempt, int jobId, List<Integer> partitions) {
        TaskBinary binary;
        TaskKind kind;
        if (stage instanceof ShuffleMapStage map) {
            binary = new TaskBinary.ShuffleMap(map.dependency(), CapturedState.isImmutable(map.dependency()));
            kind = TaskKind.SHUFFLE_MAP;
        } else {
            ResultStage result = (ResultStage) stage;
            binary = new TaskBinary.Result(result.node(), result.function(),
                    CapturedState.isImmutable(List.of(result.node(), result.function())));
            kind = TaskKind.RESULT;
        }
        byte[] code;
        List<TaskSet.PendingTask> tasks = new ArrayList<>(partitions.size());
        try {
            code = serializer.serialize(binary, stage.name());
            Node<?> node = stage.node();
            List<Partition> all = node.partitions();
            for (int p : partitions) {
                Lineage.Preference preference = Lineage.preference(node, p, cacheLocations);
                int partition = p;
                tasks.add(new TaskSet.PendingTask(p, serializer.serializePartition(all.get(p),
                        () -> "partition " + partition + " of " + stage.name()), preference.hosts(),
                        preference.executors()));
            }
        } catch (SpindleException e) {
            return new Built(null, "Task not serializable: " + e.getMessage());
        }
        return new Built(new TaskSet(stage.id(), attempt, jobId, kind, code, tasks), null);
    }
}
