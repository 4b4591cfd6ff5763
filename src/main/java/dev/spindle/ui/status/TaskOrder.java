package dev.spindle.ui.status;

import dev.spindle.common.SpindleException;
import dev.spindle.plan.TaskMetrics;
import dev.spindle.ui.status.LiveEntities.LiveTask;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * How a task list is sorted: Spark's {@code ID}, {@code runtime} and {@code -runtime}, and the columns of the stage
 * page's task table. A leading {@code -} reverses the order; ties keep task id order.
 */
public enum TaskOrder {
    ID(Comparator.comparingLong(t -> t.taskId)),
    RUNTIME(Comparator.comparingLong(LiveTask::duration)),
    INDEX(Comparator.comparingInt(t -> t.index)),
    ATTEMPT(Comparator.comparingInt(t -> t.attempt)),
    EXECUTOR(Comparator.comparing(t -> t.executorId)),
    HOST(Comparator.comparing(t -> t.host)),
    STATUS(Comparator.comparing(t -> t.status)),
    LOCALITY(Comparator.comparing(t -> t.locality == null ? "" : t.locality)),
    LAUNCH(Comparator.comparingLong(t -> t.launchTime)),
    GC(metric(TaskMetrics::gcTimeMillis)),
    INPUT(metric(TaskMetrics::bytesRead)),
    SHUFFLE_READ(metric(TaskMetrics::shuffleBytesRead)),
    SHUFFLE_WRITE(metric(TaskMetrics::shuffleBytesWritten)),
    SPILL(metric(TaskMetrics::spilledBytes)),
    ERROR(Comparator.comparing(t -> t.errorMessage == null ? "" : t.errorMessage));

    private final Comparator<LiveTask> ascending;

    TaskOrder(Comparator<LiveTask> ascending) {
        this.ascending = ascending;
    }

    private static Comparator<LiveTask> metric(ToLongFunction<TaskMetrics> value) {
        return Comparator.comparingLong(t -> t.metrics == null ? -1 : value.applyAsLong(t.metrics));
    }

    /** The order a {@code sortBy} parameter names, case-insensitively, such as {@code runtime} or {@code -gc}. */
    public static Sort parse(String sortBy) {
        String name = sortBy == null || sortBy.isBlank() ? "ID" : sortBy.trim();
        boolean reverse = name.startsWith("-");
        String column = (reverse ? name.substring(1) : name).toUpperCase(Locale.ROOT).replace("SHUFFLEREAD",
                "SHUFFLE_READ").replace("SHUFFLEWRITE", "SHUFFLE_WRITE");
        for (TaskOrder order : values()) {
            if (order.name().equals(column)) {
                return new Sort(order, reverse);
            }
        }
        throw SpindleException.invalidArgument("sortBy=%s is not a task order; use one of %s, optionally prefixed "
                + "with - to reverse it", sortBy, Arrays.toString(values()).toLowerCase(Locale.ROOT));
    }

    /** An order and its direction. */
    public record Sort(TaskOrder order, boolean reverse) {
        Comparator<LiveTask> comparator() {
            Comparator<LiveTask> base = reverse ? order.ascending.reversed() : order.ascending;
            return base.thenComparingLong(t -> t.taskId);
        }
    }
}
