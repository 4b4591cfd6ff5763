package dev.spindle.scheduler.dag;

import dev.spindle.plan.Node;
import dev.spindle.plan.ResultFunction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The last stage of a job: applies the action's function to the partitions the job asked for. */
final class ResultStage extends Stage {
    private final ResultFunction<?, ?> function;
    private final List<Integer> partitions;
    private final Map<Integer, Integer> indexOfPartition = new HashMap<>();
    private final ActiveJob job;

    /** The final stage of job {@code jobId}, and that job, whose results go to {@code handler}. */
    ResultStage(int id, Node<?> node, ResultFunction<?, ?> function, List<Integer> partitions, List<Stage> parents,
            int jobId, ActiveJob.ResultHandler handler) {
        super(id, node, parents, jobId);
        this.function = function;
        this.partitions = List.copyOf(partitions);
        for (int i = 0; i < this.partitions.size(); i++) {
            indexOfPartition.putIfAbsent(this.partitions.get(i), i);
        }
        this.job = new ActiveJob(jobId, this, handler);
    }

    /** The position of {@code partition} among the job's output partitions, -1 when the job did not ask for it. */
    int indexOf(int partition) {
        return indexOfPartition.getOrDefault(partition, -1);
    }

    ResultFunction<?, ?> function() {
        return function;
    }

    List<Integer> partitions() {
        return partitions;
    }

    ActiveJob job() {
        return job;
    }

    @Override
    List<Integer> missingPartitions() {
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < partitions.size(); i++) {
            if (!job.isFinished(i)) {
                missing.add(partitions.get(i));
            }
        }
        return missing;
    }
}
