package dev.spindle.executor;

import dev.spindle.common.TaskAttemptId;
import dev.spindle.config.SpindleConf;
import dev.spindle.plan.Accumulator;
import dev.spindle.plan.BlockCache;
import dev.spindle.plan.ShuffleInput;
import dev.spindle.plan.TaskContext;
import dev.spindle.plan.TaskMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** The {@link TaskContext} of one running attempt. */
final class RunningTaskContext implements TaskContext {
    private static final Logger LOG = LogManager.getLogger(RunningTaskContext.class);

    private final TaskAttemptId attemptId;
    private final ExecutorServices services;
    private final Map<Long, Object> broadcastCache;
    private final TaskMetrics metrics = new TaskMetrics();
    private final List<Accumulator<?, ?>> accumulators = new ArrayList<>();
    private final List<Runnable> completionListeners = new ArrayList<>();
    private volatile boolean killed;

    RunningTaskContext(TaskAttemptId attemptId, ExecutorServices services, Map<Long, Object> broadcastCache) {
        this.attemptId = attemptId;
        this.services = services;
        this.broadcastCache = broadcastCache;
    }

    @Override
    public TaskAttemptId attemptId() {
        return attemptId;
    }

    @Override
    public String host() {
        return services.host();
    }

    @Override
    public SpindleConf conf() {
        return services.conf();
    }

    @Override
    public TaskMetrics metrics() {
        return metrics;
    }

    @Override
    public BlockCache blocks() {
        return services.cache();
    }

    @Override
    public ShuffleInput shuffle() {
        return services.shuffleInput();
    }

    @Override
    public Object broadcastValue(long id) {
        if (broadcastCache instanceof ConcurrentHashMap<Long, Object> cache) {
            return cache.computeIfAbsent(id,
                    key -> services.code().load(services.broadcasts().fetch(key), services.classLoader()));
        }
        throw new IllegalStateException("broadcast cache must be concurrent");
    }

    @Override
    public synchronized void registerAccumulator(Accumulator<?, ?> accumulator) {
        accumulators.add(accumulator);
    }

    synchronized List<Accumulator<?, ?>> accumulators() {
        return List.copyOf(accumulators);
    }

    @Override
    public synchronized void onCompletion(Runnable listener) {
        completionListeners.add(listener);
    }

    /** Runs the completion listeners, newest first; failures are added to {@code error} or logged. */
    void complete(Throwable error) {
        List<Runnable> listeners;
        synchronized (this) {
            listeners = new ArrayList<>(completionListeners);
            completionListeners.clear();
        }
        for (int i = listeners.size() - 1; i >= 0; i--) {
            try {
                listeners.get(i).run();
            } catch (RuntimeException e) {
                if (error != null) {
                    error.addSuppressed(e);
                } else {
                    LOG.warn("Completion listener of {} failed", attemptId, e);
                }
            }
        }
    }

    @Override
    public boolean canCommit() {
        return services.commits().canCommit(attemptId);
    }

    @Override
    public boolean isKilled() {
        return killed;
    }

    void kill() {
        killed = true;
    }
}
