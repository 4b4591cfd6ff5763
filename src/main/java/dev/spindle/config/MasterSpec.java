package dev.spindle.config;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.SpindleException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code spindle.master} / {@code --master} value.
 *
 * @param kind where executors come from
 * @param threads task threads of the in-process executor ({@link Kind#LOCAL}); 0 otherwise
 * @param executors executor JVMs ({@link Kind#LOCAL_CLUSTER}); 0 otherwise
 * @param coresPerExecutor task threads per executor JVM ({@link Kind#LOCAL_CLUSTER}); 0 otherwise
 * @param memoryMbPerExecutor heap of each executor JVM in MiB ({@link Kind#LOCAL_CLUSTER}); 0 otherwise
 * @param taskAttempts attempts per task given as {@code local[N,F]}; 0 when not given
 */
public record MasterSpec(Kind kind, int threads, int executors, int coresPerExecutor, int memoryMbPerExecutor,
        int taskAttempts) {

    /** The deployments of DESIGN.md: in-process, executor JVMs on this machine, YARN containers. */
    public enum Kind { LOCAL, LOCAL_CLUSTER, YARN }

    static final String FORMS = "local[N] (N >= 1 task threads), local[*], local[N,F] (F attempts per task), "
            + "local-cluster[E,C,MB] or yarn";

    private static final Pattern LOCAL = Pattern.compile("local\\[\\s*(\\*|\\d+)\\s*(?:,\\s*(\\d+)\\s*)?]");
    private static final Pattern LOCAL_CLUSTER =
            Pattern.compile("local-cluster\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*]");
    private static final int MIN_EXECUTOR_MB = 32;

    public MasterSpec(Kind kind, int threads, int executors, int coresPerExecutor, int memoryMbPerExecutor) {
        this(kind, threads, executors, coresPerExecutor, memoryMbPerExecutor, 0);
    }

    public MasterSpec {
        requireNonNull(kind, "kind is null");
        SpindleException.checkArgument(kind != Kind.LOCAL || threads > 0, "local master needs threads > 0: %s", threads);
    }

    /** Parses {@code master}, resolving {@code local[*]} to the number of available processors. */
    public static MasterSpec parse(String master) {
        return parse(master, Runtime.getRuntime().availableProcessors());
    }

    /** Parses {@code master}; {@code local[*]} becomes {@code local[availableProcessors]}. */
    public static MasterSpec parse(String master, int availableProcessors) {
        requireNonNull(master, "master is null");
        String value = master.strip();
        if (value.equals("yarn")) {
            return new MasterSpec(Kind.YARN, 0, 0, 0, 0);
        }
        if (value.equals("local")) {
            return new MasterSpec(Kind.LOCAL, 1, 0, 0, 0);
        }
        Matcher local = LOCAL.matcher(value);
        if (local.matches()) {
            int attempts = local.group(2) == null ? 0 : number(master, local.group(2));
            if (local.group(2) != null && attempts < 1) {
                throw SpindleException.invalidArgument("invalid master %s: the attempts per task must be at least 1; "
                        + "use local[N,F] with F >= 1", master);
            }
            if (local.group(1).equals("*")) {
                return new MasterSpec(Kind.LOCAL, Math.max(1, availableProcessors), 0, 0, 0, attempts);
            }
            int threads = number(master, local.group(1));
            if (threads < 1) {
                throw SpindleException.invalidArgument(
                        "invalid master %s: the thread count must be at least 1; use local[N] with N >= 1, or local[*]",
                        master);
            }
            return new MasterSpec(Kind.LOCAL, threads, 0, 0, 0, attempts);
        }
        if (value.startsWith("local-cluster")) {
            return localCluster(master, value);
        }
        throw SpindleException.invalidArgument("invalid master %s; expected %s", master, FORMS);
    }

    private static MasterSpec localCluster(String master, String value) {
        Matcher m = LOCAL_CLUSTER.matcher(value);
        if (!m.matches()) {
            throw SpindleException.invalidArgument(
                    "invalid master %s; expected local-cluster[E,C,MB] (executors, cores per executor, "
                            + "MiB of heap per executor), for example local-cluster[2,1,1024]", master);
        }
        int executors = number(master, m.group(1));
        int cores = number(master, m.group(2));
        int memoryMb = number(master, m.group(3));
        if (executors < 1 || cores < 1 || memoryMb < MIN_EXECUTOR_MB) {
            throw SpindleException.invalidArgument(
                    "invalid master %s; local-cluster[E,C,MB] needs E >= 1 executors, C >= 1 cores and MB >= %d, "
                            + "for example local-cluster[2,1,1024]", master, MIN_EXECUTOR_MB);
        }
        return new MasterSpec(Kind.LOCAL_CLUSTER, 0, executors, cores, memoryMb);
    }

    private static int number(String master, String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw SpindleException.invalidArgument("invalid master %s: %s is too large; expected %s", master, digits,
                    FORMS);
        }
    }

    /**
     * Attempts per task and where that number comes from, for the message of a task that used them all: in local
     * mode a task is tried once, as in Spark, unless {@code local[N,F]} or {@code spindle.task.maxFailures} says
     * otherwise; elsewhere {@code spindle.task.maxFailures} decides.
     */
    public TaskAttempts taskAttempts(SpindleConf conf) {
        String key = SpindleConfig.TASK_MAX_FAILURES.key();
        int configured = conf.get(SpindleConfig.TASK_MAX_FAILURES);
        if (kind == Kind.LOCAL && taskAttempts > 0) {
            return new TaskAttempts(taskAttempts, "spindle.master=" + this);
        }
        if (kind == Kind.LOCAL && !conf.asMap().containsKey(key)) {
            return new TaskAttempts(1, "local mode tries a task once; use local[N,F] for F attempts");
        }
        return new TaskAttempts(configured, key + "=" + configured);
    }

    /** How many attempts a task gets, and the setting that says so. */
    public record TaskAttempts(int attempts, String setting) {
    }

    /** The master string in its canonical form, e.g. {@code local[4]} or {@code local-cluster[2,1,1024]}. */
    @Override
    public String toString() {
        return switch (kind) {
            case LOCAL -> "local[" + threads + (taskAttempts > 0 ? "," + taskAttempts : "") + "]";
            case LOCAL_CLUSTER -> "local-cluster[" + executors + "," + coresPerExecutor + "," + memoryMbPerExecutor + "]";
            case YARN -> "yarn";
        };
    }
}
