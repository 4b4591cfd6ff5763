package dev.spindle.scheduler.alloc;

import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;

/**
 * The settings of dynamic allocation, resolved.
 *
 * @param max {@link Integer#MAX_VALUE} when unbounded
 * @param cachedIdleMillis {@link Long#MAX_VALUE}: executors holding cached partitions are kept
 * @param slotsPerExecutor task slots of one executor, to turn tasks into executors
 */
public record AllocationPolicy(int min, int max, int initial, long backlogMillis, long sustainedMillis,
        long idleMillis, long cachedIdleMillis, double ratio, boolean shuffleTracking, int slotsPerExecutor) {
    public AllocationPolicy {
        SpindleException.checkArgument(min >= 0 && min <= max, "executors must range over 0 <= min %d <= max %d", min,
                max);
        SpindleException.checkArgument(initial >= min && initial <= max, "initial executors %d outside [%d, %d]",
                initial, min, max);
        SpindleException.checkArgument(slotsPerExecutor > 0, "slots per executor %d must be positive",
                slotsPerExecutor);
    }

    /** The policy with the NodeManagers' shuffle service serving map output: no executor is kept for its output. */
    public AllocationPolicy withShuffleService() {
        return new AllocationPolicy(min, max, initial, backlogMillis, sustainedMillis, idleMillis, cachedIdleMillis,
                ratio, false, slotsPerExecutor);
    }

    /**
     * The policy {@code conf} sets, for executors of {@code slotsPerExecutor} task slots on a cluster that can run at
     * most {@code clusterMax} of them ({@link Integer#MAX_VALUE} when it does not say).
     */
    public static AllocationPolicy from(SpindleConf conf, int slotsPerExecutor, int clusterMax) {
        int max = Math.min(clusterMax, conf.getOptional(SpindleConfig.DYNAMIC_ALLOCATION_MAX_EXECUTORS)
                .orElse(Integer.MAX_VALUE));
        int min = Math.min(conf.get(SpindleConfig.DYNAMIC_ALLOCATION_MIN_EXECUTORS), max);
        return new AllocationPolicy(min, max, Math.min(max, SpindleConfig.initialExecutors(conf)),
                conf.get(SpindleConfig.DYNAMIC_ALLOCATION_BACKLOG_TIMEOUT).toMillis(),
                conf.get(SpindleConfig.DYNAMIC_ALLOCATION_SUSTAINED_BACKLOG_TIMEOUT).toMillis(),
                conf.get(SpindleConfig.DYNAMIC_ALLOCATION_EXECUTOR_IDLE_TIMEOUT).toMillis(),
                conf.getOptional(SpindleConfig.DYNAMIC_ALLOCATION_CACHED_IDLE_TIMEOUT).map(d -> d.toMillis())
                        .orElse(Long.MAX_VALUE),
                conf.get(SpindleConfig.DYNAMIC_ALLOCATION_RATIO),
                conf.get(SpindleConfig.DYNAMIC_ALLOCATION_SHUFFLE_TRACKING), slotsPerExecutor);
    }
}
