package dev.spindle.scheduler.alloc;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.Clock;
import dev.spindle.common.ExecutorId;
import dev.spindle.common.NamedThreadFactory;
import dev.spindle.scheduler.spi.SchedulerEvent;
import dev.spindle.scheduler.spi.SchedulerListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Dynamic allocation: decides how many executors the application wants, from the scheduler's events alone, and
 * which idle ones to give back. Every {@code tick} it compares the load (tasks waiting for a slot and tasks running)
 * with the target:
 * <ul>
 *   <li><b>Ramp up.</b> Once tasks have waited {@code schedulerBacklogTimeout}, the target rises by 1, then by 2, 4, 8
 *       ... every {@code sustainedSchedulerBacklogTimeout} while they still wait, capped at the executors the load
 *       could use (waiting + running tasks × ratio ÷ slots per executor), at the maximum, and at what the cluster
 *       could give now ({@link Client#executorLimit}: on YARN, the queue's headroom).</li>
 *   <li><b>Shrink.</b> When the load needs fewer executors than the target, the target drops at once (never below
 *       the minimum); the backend cancels the requests it no longer needs.</li>
 *   <li><b>Release.</b> An executor that ran no task for {@code executorIdleTimeout} is released, down to the
 *       minimum and the target; one holding cached partitions waits {@code cachedExecutorIdleTimeout} (unset: kept);
 *       with shuffle tracking, one holding map output of a shuffle that is still live is kept.</li>
 * </ul>
 * Whether a chosen executor is really idle is decided by the task scheduler, in the same event that would launch a
 * task on it ({@link Client#releaseIfIdle}): a task launched in the same instant wins, and the release is dropped.
 * Each change of the target is one log line with its reason.
 */
public final class ExecutorAllocationManager implements SchedulerListener, AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ExecutorAllocationManager.class);
    private static final long NOT_SET = Long.MIN_VALUE;
    static final long TICK_MILLIS = 100;

    /** What the manager drives. */
    public interface Client {
        /** Asks the cluster for this many executors in total; running executors above it stay until released. */
        void requestTotalExecutors(int total);

        /**
         * Releases each of {@code executors} that runs no task when the scheduler looks, atomically with its task
         * launches; the others are left alone. The value is the reason, for the log and the executor-removed event.
         */
        void releaseIfIdle(Map<ExecutorId, String> executors);

        /**
         * The most executors the cluster could give the application now, those it runs included (YARN: its
         * containers plus what the queue's headroom holds); {@link Integer#MAX_VALUE} when the cluster does not say.
         */
        default int executorLimit() {
            return Integer.MAX_VALUE;
        }
    }

    private record StageKey(int stageId, int attempt) {
    }

    /** One stage attempt's tasks: how many, which partitions succeeded, which run now. */
    private static final class StageLoad {
        final int numTasks;
        final int shuffleId;
        final Set<Integer> succeeded = new HashSet<>();
        final Map<Long, Integer> running = new HashMap<>();

        StageLoad(int numTasks, int shuffleId) {
            this.numTasks = numTasks;
            this.shuffleId = shuffleId;
        }

        int pending() {
            Set<Integer> busy = new HashSet<>(running.values());
            busy.removeAll(succeeded);
            return Math.max(0, numTasks - succeeded.size() - busy.size());
        }
    }

    /** One executor as the events show it. */
    private static final class ExecutorLoad {
        final Set<Long> running = new HashSet<>();
        final Set<Long> cachedBlocks = new HashSet<>();
        final Set<Integer> shuffles = new HashSet<>();
        long idleSince;
        /** The reason it was last kept past its idle timeout (logged once per idle spell), or null. */
        String keptFor;

        ExecutorLoad(long now) {
            this.idleSince = now;
        }
    }

    private final AllocationPolicy policy;
    private final Client client;
    private final Clock clock;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("spindle-executor-allocation", true));

    // Guarded by this.
    private final Map<StageKey, StageLoad> stages = new HashMap<>();
    private final Map<ExecutorId, ExecutorLoad> executors = new LinkedHashMap<>();
    private final Set<ExecutorId> releasing = new HashSet<>();
    private final Set<Integer> removedShuffles = new HashSet<>();
    private int target;
    /**
     * Until the first stage is submitted (or an idle timeout has passed), the initial target stands: the program
     * has not asked for anything yet, and dropping the initial executors only to ask for them again costs time.
     */
    private boolean initializing = true;
    private final long startedAt;
    private long addTime = NOT_SET;
    /** When tasks began to wait without a break. */
    private long backlogSince = NOT_SET;
    private int toAdd = 1;
    /** The cluster's limit last logged as holding the target back, or -1. */
    private int loggedLimit = -1;

    public ExecutorAllocationManager(AllocationPolicy policy, Client client, Clock clock) {
        this.policy = requireNonNull(policy, "policy is null");
        this.client = requireNonNull(client, "client is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.target = policy.initial();
        this.startedAt = clock.nanos() / 1_000_000;
    }

    /** Starts deciding, every {@value #TICK_MILLIS} ms. */
    public void start() {
        LOG.info("Dynamic allocation: {} executors to start, between {} and {}; idle timeout {} ms", policy.initial(),
                policy.min(), policy.max() == Integer.MAX_VALUE ? "unbounded" : policy.max(), policy.idleMillis());
        timer.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.error("Dynamic allocation failed to decide", e);
            }
        }, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The number of executors the application wants now. */
    public synchronized int target() {
        return target;
    }

    @Override
    public synchronized void onEvent(SchedulerEvent event) {
        long now = clock.nanos() / 1_000_000;
        if (event instanceof SchedulerEvent.StageSubmitted e) {
            initializing = false;
            stages.put(new StageKey(e.stageId(), e.attempt()), new StageLoad(e.numTasks(), e.shuffleId()));
        } else if (event instanceof SchedulerEvent.StageCompleted e) {
            stages.remove(new StageKey(e.stageId(), e.attempt()));
        } else if (event instanceof SchedulerEvent.TaskStarted e) {
            StageLoad stage = stages.get(new StageKey(e.stageId(), e.stageAttempt()));
            if (stage != null) {
                stage.running.put(e.taskId(), e.partition());
            }
            ExecutorLoad executor = executors.get(e.executor());
            if (executor != null) {
                executor.running.add(e.taskId());
                executor.keptFor = null;
                // A release the scheduler refused (it had just launched this task there) ends no executor.
                releasing.remove(e.executor());
            }
        } else if (event instanceof SchedulerEvent.TaskEnded e) {
            taskEnded(e, now);
        } else if (event instanceof SchedulerEvent.ExecutorAdded e) {
            executors.putIfAbsent(e.executor(), new ExecutorLoad(now));
        } else if (event instanceof SchedulerEvent.ExecutorRemoved e) {
            executors.remove(e.executor());
            releasing.remove(e.executor());
        } else if (event instanceof SchedulerEvent.BlockUpdated e) {
            ExecutorLoad executor = executors.get(e.executor());
            if (executor != null) {
                long block = ((long) e.nodeId() << 32) | (e.partition() & 0xffffffffL);
                if (e.removed()) {
                    executor.cachedBlocks.remove(block);
                } else {
                    executor.cachedBlocks.add(block);
                }
            }
        }
    }

    private void taskEnded(SchedulerEvent.TaskEnded e, long now) {
        StageLoad stage = stages.get(new StageKey(e.stageId(), e.stageAttempt()));
        if (stage != null) {
            stage.running.remove(e.taskId());
            if (e.failure() == null) {
                stage.succeeded.add(e.partition());
            }
        }
        ExecutorLoad executor = executors.get(e.executor());
        if (executor == null) {
            return;
        }
        executor.running.remove(e.taskId());
        if (executor.running.isEmpty()) {
            executor.idleSince = now;
            executor.keptFor = null;
        }
        if (e.failure() == null && stage != null && stage.shuffleId >= 0 && !removedShuffles.contains(stage.shuffleId)) {
            executor.shuffles.add(stage.shuffleId);
        }
    }

    /**
     * Shuffle {@code shuffleId} can no longer be read by any dataset (its output was cleaned up): executors that held
     * only such output become releasable.
     */
    public synchronized void shuffleRemoved(int shuffleId) {
        removedShuffles.add(shuffleId);
        executors.values().forEach(executor -> executor.shuffles.remove(shuffleId));
    }

    /** One decision: moves the target with the load, then releases executors idle past their timeout. */
    void tick() {
        // Asked outside this lock: the cluster's side takes its own.
        int limit = client.executorLimit();
        synchronized (this) {
            long now = clock.nanos() / 1_000_000;
            updateTarget(now, limit);
            releaseIdle(now);
        }
    }

    /**
     * Moves the target with the load. {@code limit} is what the cluster could give now: the target does not rise
     * past it (asking for executors the queue cannot hold only keeps requests waiting), but never drops because of
     * it, nor below the minimum.
     */
    private void updateTarget(long now, int limit) {
        int pending = 0;
        int running = 0;
        for (StageLoad stage : stages.values()) {
            pending += stage.pending();
            running += stage.running.size();
        }
        int needed = (int) Math.ceil((pending + running) * policy.ratio() / policy.slotsPerExecutor());
        int maxNeeded = Math.min(policy.max(), needed);
        if (pending == 0) {
            addTime = NOT_SET;
            backlogSince = NOT_SET;
            toAdd = 1;
        } else if (addTime == NOT_SET) {
            addTime = now + policy.backlogMillis();
            backlogSince = now;
        }
        if (now - startedAt >= policy.idleMillis()) {
            initializing = false;
        }
        if (maxNeeded < target && !initializing) {
            int lowered = Math.max(maxNeeded, policy.min());
            toAdd = 1;
            if (lowered != target) {
                changeTarget(lowered, "backlog: " + pending + " task(s) waiting and " + running + " running need "
                        + maxNeeded + " executor(s)");
            }
        } else if (addTime != NOT_SET && now >= addTime) {
            int from = Math.max(target, executors.size() - releasing.size());
            int ceiling = Math.min(maxNeeded, Math.max(target, limit));
            if (ceiling < maxNeeded && from >= ceiling && limit != loggedLimit) {
                loggedLimit = limit;
                LOG.info("Executor target stays {}: {} task(s) waiting want {} executor(s), the queue can give {} now",
                        target, pending, maxNeeded, limit);
            }
            int raised = Math.max(policy.min(), Math.min(ceiling, from + toAdd));
            if (raised > target) {
                int added = raised - from;
                changeTarget(raised, "backlog: " + pending + " task(s) waiting, for " + (now - backlogSince)
                        + " ms" + (raised == ceiling && ceiling < maxNeeded ? "; the queue can give " + limit : ""));
                loggedLimit = -1;
                toAdd = added == toAdd ? toAdd * 2 : 1;
            } else {
                toAdd = 1;
            }
            addTime = now + policy.sustainedMillis();
        }
    }

    private void changeTarget(int newTarget, String reason) {
        LOG.info("Executor target {} -> {} ({})", target, newTarget, reason);
        target = newTarget;
        client.requestTotalExecutors(newTarget);
    }

    private void releaseIdle(long now) {
        int alive = executors.size() - releasing.size();
        int floor = Math.max(policy.min(), target);
        Map<ExecutorId, String> release = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>();
        for (Map.Entry<ExecutorId, ExecutorLoad> entry : executors.entrySet()) {
            ExecutorId id = entry.getKey();
            ExecutorLoad executor = entry.getValue();
            if (!executor.running.isEmpty() || releasing.contains(id)) {
                continue;
            }
            long idle = now - executor.idleSince;
            boolean cached = !executor.cachedBlocks.isEmpty();
            if (idle < policy.idleMillis()) {
                continue;
            }
            if (cached && idle < policy.cachedIdleMillis()) {
                keep(id, executor, "cached: it holds " + executor.cachedBlocks.size() + " cached partition(s)"
                        + (policy.cachedIdleMillis() == Long.MAX_VALUE ? " (spindle.dynamicAllocation."
                                + "cachedExecutorIdleTimeout is unset)" : ""));
                continue;
            }
            if (policy.shuffleTracking() && !executor.shuffles.isEmpty()) {
                keep(id, executor, "shuffle-held: it holds map output of live shuffle(s) " + executor.shuffles);
                continue;
            }
            if (alive - release.size() <= floor) {
                break;
            }
            String why = cached ? "cached" : "idle";
            release.put(id, "released by dynamic allocation (" + why + " for " + idle + " ms)");
            ids.add(id.id());
        }
        if (release.isEmpty()) {
            return;
        }
        releasing.addAll(release.keySet());
        LOG.info("Releasing executor(s) {}: idle past their timeout; {} remain (minimum {}, target {})", ids,
                alive - release.size(), policy.min(), target);
        client.releaseIfIdle(release);
    }

    /** Logs once per idle spell why an executor past its timeout is kept. */
    private static void keep(ExecutorId id, ExecutorLoad executor, String reason) {
        if (!reason.equals(executor.keptFor)) {
            executor.keptFor = reason;
            LOG.info("Keeping idle executor {} ({})", id.id(), reason);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
