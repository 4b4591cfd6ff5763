package dev.spindle.bench;

import dev.spindle.bench.data.Manifest;
import java.util.EnumSet;
import java.util.Set;

/** One benchmark: what it runs, how its time is taken, and what counts as its throughput. */
public enum Workload {
    WORDCOUNT("wordcount", "Word count", Timing.MAIN, true),
    SORT("sort", "Sort (TeraSort-like)", Timing.MAIN, true),
    JOIN("join", "Join", Timing.MAIN, false),
    PAGERANK("pagerank", "PageRank, " + Programs.PAGERANK_ITERATIONS + " iterations", Timing.MAIN, false),
    TINY_TASKS("tiny-tasks", String.format("Stage of %,d tiny tasks", Programs.TINY_TASKS), Timing.REPORTED, false),
    TINY_JOBS("tiny-jobs", "Tiny job, median of " + Programs.TINY_JOBS, Timing.REPORTED, false),
    FIRST_RESULT("first-result", "Process start to first result", Timing.FIRST_RESULT, false);

    /** Where a run's seconds come from. */
    enum Timing {
        /** The program's main method, timed by the Launcher (context start to context stop, JVM start excluded). */
        MAIN,
        /** The program's own measurement of the part that matters (a stage, the median of many jobs). */
        REPORTED,
        /** From forking the JVM to reading the first-result line on its stdout. */
        FIRST_RESULT
    }

    /** How much work one run is: the amount, and the unit of amount per second. */
    record Work(double amount, String unitPerSecond) {
    }

    private final String id;
    private final String title;
    private final Timing timing;
    private final boolean hasFloor;

    Workload(String id, String title, Timing timing, boolean hasFloor) {
        this.id = id;
        this.title = title;
        this.timing = timing;
        this.hasFloor = hasFloor;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    Timing timing() {
        return timing;
    }

    /** The engines that implement this workload: Spindle (both ways) and Spark, and the plain-Java floor for some. */
    Set<Engine> engines() {
        return hasFloor ? EnumSet.allOf(Engine.class) : EnumSet.complementOf(EnumSet.of(Engine.FLOOR));
    }

    /** Whether this workload reads the generated data (the others generate their own tiny inputs). */
    boolean readsData() {
        return timing == Timing.MAIN;
    }

    /** The work of one run, for throughput; empty amount (0) when a rate means nothing, as for start-up. */
    Work work(Manifest data) {
        return switch (this) {
            case WORDCOUNT -> new Work(data.words().bytes() / 1e6, "MB/s");
            case SORT -> new Work(data.sort().bytes() / 1e6, "MB/s");
            case JOIN -> new Work(data.join().bytes() / 1e6, "MB/s");
            case PAGERANK -> new Work((double) data.graph().edges() * Programs.PAGERANK_ITERATIONS, "edges/s");
            case TINY_TASKS -> new Work(Programs.TINY_TASKS, "tasks/s");
            case TINY_JOBS -> new Work(1, "jobs/s");
            case FIRST_RESULT -> new Work(0, "");
        };
    }

    /** The input, in words, for the report. */
    String input(Manifest data) {
        return switch (this) {
            case WORDCOUNT -> String.format("%s, %s words (%s distinct)", Format.megabytes(data.words().bytes()),
                    Format.count(data.words().tokens()), Format.count(data.words().distinct()));
            case SORT -> String.format("%s records, %s", Format.count(data.sort().records()),
                    Format.megabytes(data.sort().bytes()));
            case JOIN -> String.format("%s ⋈ %s rows", Format.count(data.join().leftRows()),
                    Format.count(data.join().rightRows()));
            case PAGERANK -> String.format("%s vertices, %s edges", Format.count(data.graph().vertices()),
                    Format.count(data.graph().edges()));
            case TINY_TASKS -> "count() of " + Format.count(Programs.TINY_TASKS) + " one-element partitions";
            case TINY_JOBS -> "reduce(sum) of 1,000 ints in 10 partitions";
            case FIRST_RESULT -> "fork, context start, collect() of 3 ints";
        };
    }

    static Workload byId(String id) {
        for (Workload workload : values()) {
            if (workload.id.equals(id)) {
                return workload;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + id + "'; expected one of " + ids());
    }

    static String ids() {
        StringBuilder ids = new StringBuilder();
        for (Workload workload : values()) {
            ids.append(ids.length() == 0 ? "" : ", ").append(workload.id);
        }
        return ids.toString();
    }
}
