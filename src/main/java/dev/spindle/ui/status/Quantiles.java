package dev.spindle.ui.status;

import dev.spindle.common.SpindleException;
import dev.spindle.plan.TaskMetrics;
import dev.spindle.ui.status.ApiModel.InputMetricDistributions;
import dev.spindle.ui.status.ApiModel.OutputMetricDistributions;
import dev.spindle.ui.status.ApiModel.ShuffleReadMetricDistributions;
import dev.spindle.ui.status.ApiModel.ShuffleWriteMetricDistributions;
import dev.spindle.ui.status.ApiModel.TaskMetricDistributions;
import dev.spindle.ui.status.LiveEntities.LiveTask;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The task summary of a stage attempt: for each metric, the values at the requested quantiles over its successful
 * tasks. Quantile q of n sorted values is the value at index {@code min(floor(q * n), n - 1)}, as in Spark.
 */
final class Quantiles {
    private Quantiles() {
    }

    static TaskMetricDistributions of(Collection<LiveTask> tasks, List<Double> quantiles) {
        for (double q : quantiles) {
            SpindleException.checkArgument(q >= 0 && q <= 1, "quantile %s is not between 0 and 1", q);
        }
        List<LiveTask> done = new ArrayList<>();
        for (LiveTask task : tasks) {
            if ("SUCCESS".equals(task.status) && task.metrics != null) {
                done.add(task);
            }
        }
        return new TaskMetricDistributions(List.copyOf(quantiles),
                of(done, quantiles, t -> t.duration()),
                metric(done, quantiles, TaskMetrics::durationMillis),
                metric(done, quantiles, TaskMetrics::gcTimeMillis),
                metric(done, quantiles, TaskMetrics::resultBytes),
                metric(done, quantiles, TaskMetrics::spilledBytes),
                new InputMetricDistributions(metric(done, quantiles, TaskMetrics::bytesRead),
                        metric(done, quantiles, TaskMetrics::recordsRead)),
                new OutputMetricDistributions(metric(done, quantiles, TaskMetrics::bytesWritten),
                        metric(done, quantiles, TaskMetrics::recordsWritten)),
                new ShuffleReadMetricDistributions(metric(done, quantiles, TaskMetrics::shuffleBytesRead),
                        metric(done, quantiles, TaskMetrics::shuffleRecordsRead)),
                new ShuffleWriteMetricDistributions(metric(done, quantiles, TaskMetrics::shuffleBytesWritten),
                        metric(done, quantiles, TaskMetrics::shuffleRecordsWritten)));
    }

    private static List<Double> metric(List<LiveTask> tasks, List<Double> quantiles, ToLongFunction<TaskMetrics> get) {
        return of(tasks, quantiles, t -> get.applyAsLong(t.metrics));
    }

    private static List<Double> of(List<LiveTask> tasks, List<Double> quantiles, ToLongFunction<LiveTask> get) {
        long[] values = new long[tasks.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = get.applyAsLong(tasks.get(i));
        }
        Arrays.sort(values);
        List<Double> result = new ArrayList<>(quantiles.size());
        for (double q : quantiles) {
            result.add(values.length == 0 ? 0.0 : (double) values[(int) Math.min((long) (q * values.length),
                    values.length - 1)]);
        }
        return result;
    }
}
