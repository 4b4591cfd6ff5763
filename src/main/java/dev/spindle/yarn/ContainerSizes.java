package dev.spindle.yarn;

import dev.spindle.config.ConfigEntry;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;

/** Container sizes: heap plus overhead, as YARN is asked for them. */
public final class ContainerSizes {
    static final long MIN_OVERHEAD_MB = 384;

    private ContainerSizes() {
    }

    public static long executorHeapMb(SpindleConf conf) {
        return conf.get(SpindleConfig.EXECUTOR_MEMORY) >> 20;
    }

    public static long executorOverheadMb(SpindleConf conf) {
        return overheadMb(conf, SpindleConfig.EXECUTOR_MEMORY_OVERHEAD, executorHeapMb(conf));
    }

    public static long driverHeapMb(SpindleConf conf) {
        return conf.get(SpindleConfig.DRIVER_MEMORY) >> 20;
    }

    public static long driverOverheadMb(SpindleConf conf) {
        return overheadMb(conf, SpindleConfig.DRIVER_MEMORY_OVERHEAD, driverHeapMb(conf));
    }

    /** The configured overhead, else 10% of the heap, at least 384 MiB. */
    static long overheadMb(SpindleConf conf, ConfigEntry<Long> entry, long heapMb) {
        return conf.getOptional(entry).map(bytes -> bytes >> 20).orElse(Math.max(MIN_OVERHEAD_MB, heapMb / 10));
    }

    /**
     * {@code spindle.executor.maxFailures}, else twice the executors (with dynamic allocation: its maximum, or its
     * initial count when unbounded), at least 3.
     */
    public static int executorMaxFailures(SpindleConf conf) {
        int executors = conf.get(SpindleConfig.DYNAMIC_ALLOCATION_ENABLED)
                ? conf.getOptional(SpindleConfig.DYNAMIC_ALLOCATION_MAX_EXECUTORS)
                        .orElse(SpindleConfig.initialExecutors(conf))
                : conf.get(SpindleConfig.EXECUTOR_INSTANCES);
        return conf.getOptional(SpindleConfig.EXECUTOR_MAX_FAILURES).orElse(Math.max(3, 2 * executors));
    }
}
