package dev.spindle.scheduler.dag;

import dev.spindle.plan.Node;
import dev.spindle.plan.ResultFunction;
import java.util.ArrayList;
import java.util.List;

/** The last stage of a job: applies the action's function to the partitions the job asked for. */
final class ResultStage extends Stage {
    private final ResultFunction<?, ?> function;
    private final List<Integer> partitions;
    private ActiveJob job;

    ResultStage(int id, Node<?> node, ResultFunction<?, ?> function, List<Integer> partitions, List<Stage> parents,
            int jobId) {
        super(id, node, parents, jobId);
        this.function = function;
        this.partitions = List.copyOf(partitions);
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

    void setJob(ActiveJob job) {
        this.job = job;
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
