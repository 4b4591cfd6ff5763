package dev.spindle.config;

import dev.spindle.common.SpindleException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code spindle.master}: {@code local[N]}, {@code local[*]}, {@code local}, {@code local-cluster[E,C,MB]}
 * or {@code yarn}.
 */
public record MasterSpec(Kind kind, int executors, int coresPerExecutor, int memoryMbPerExecutor) {
    public enum Kind { LOCAL, LOCAL_CLUSTER, YARN }

    private static final Pattern LOCAL = Pattern.compile("local\\[(\\*|\\d+)\\]");
    private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[(\\d+),\\s*(\\d+),\\s*(\\d+)\\]");

    public static MasterSpec parse(String master) {
        String m = master.trim();
        if (m.equals("local")) {
            return new MasterSpec(Kind.LOCAL, 1, 1, 0);
        }
        if (m.equals("yarn")) {
            return new MasterSpec(Kind.YARN, 0, 0, 0);
        }
        Matcher local = LOCAL.matcher(m);
        if (local.matches()) {
            int threads = local.group(1).equals("*") ? Runtime.getRuntime().availableProcessors()
                    : parsePositive(local.group(1), master, "local[N]");
            return new MasterSpec(Kind.LOCAL, 1, threads, 0);
        }
        Matcher cluster = LOCAL_CLUSTER.matcher(m);
        if (cluster.matches()) {
            return new MasterSpec(Kind.LOCAL_CLUSTER, parsePositive(cluster.group(1), master, "local-cluster[E,C,MB]"),
                    parsePositive(cluster.group(2), master, "local-cluster[E,C,MB]"),
                    parsePositive(cluster.group(3), master, "local-cluster[E,C,MB]"));
        }
        throw SpindleException.invalidArgument("spindle.master=%s is not a valid master: use local, local[N], local[*], "
                + "local-cluster[EXECUTORS,CORES,MEMORY_MB] or yarn", master);
    }

    private static int parsePositive(String digits, String master, String form) {
        int value;
        try {
            value = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            value = -1;
        }
        if (value <= 0) {
            throw SpindleException.invalidArgument("spindle.master=%s: the numbers in %s must be positive integers",
                    master, form);
        }
        return value;
    }

    /** Task slots across all executors. */
    public int totalCores() {
        return executors * coresPerExecutor;
    }
}
