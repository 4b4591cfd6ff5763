package dev.spindle.yarn.allocator;

import dev.spindle.config.ConfigParsers;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.yarn.api.records.ContainerExitStatus;

/** Turns a completed container's exit status and diagnostics into one line a user can act on. */
public final class ContainerExits {
    private static final Pattern USAGE = Pattern.compile("Current usage: (.*?(?:memory used|$))", Pattern.MULTILINE);
    private static final Pattern USED_PHYSICAL =
            Pattern.compile("([0-9]+(?:\\.[0-9]+)?) ?([KMGTPE]?)B of \\S+ ?[KMGTPE]?B physical memory used");
    private static final int DIAGNOSTIC_LINES = 8;
    /** Suggested memory settings are rounded up to this many MiB. */
    private static final long ROUND_MB = 64;

    /** How a container ended. */
    public enum Kind { RELEASED, PREEMPTED, EXCEEDED_PHYSICAL_MEMORY, EXCEEDED_VIRTUAL_MEMORY, DISKS_FAILED,
        NODE_LOST_OR_ABORTED, KILLED_BY_YARN, FAILED }

    /**
     * @param countsAsFailure whether it counts against {@code spindle.executor.maxFailures}: not for containers we
     *     released, preempted ones, or ones YARN aborted (a lost node), which say nothing about the application
     */
    public record Exit(Kind kind, boolean countsAsFailure, String message) {
    }

    /**
     * The executor's memory as configured, in MiB: the heap ({@code spindle.executor.memory}) and the overhead
     * ({@code spindle.executor.memoryOverhead}, or its default), from which a memory kill suggests new values.
     */
    public record ExecutorMemory(long heapMb, long overheadMb) {
        public ExecutorMemory {
            if (heapMb <= 0 || overheadMb < 0) {
                throw new IllegalArgumentException("heapMb=" + heapMb + " and overheadMb=" + overheadMb
                        + " must be positive");
            }
        }
    }

    private ContainerExits() {
    }

    /**
     * A container whose executor's memory settings are unknown (one adopted from an earlier attempt): a memory kill
     * names the settings to raise without suggesting values.
     */
    public static Exit classify(int exitStatus, String diagnostics, boolean releasedByUs) {
        return classify(exitStatus, diagnostics, releasedByUs, Optional.empty());
    }

    /** A container of an executor with {@code memory}: a memory kill suggests new values of its settings. */
    public static Exit classify(int exitStatus, String diagnostics, boolean releasedByUs, ExecutorMemory memory) {
        return classify(exitStatus, diagnostics, releasedByUs, Optional.of(memory));
    }

    private static Exit classify(int exitStatus, String diagnostics, boolean releasedByUs,
            Optional<ExecutorMemory> memory) {
        String detail = diagnostics == null ? "" : diagnostics.strip();
        if (releasedByUs) {
            return new Exit(Kind.RELEASED, false, "released by the ApplicationMaster");
        }
        return switch (exitStatus) {
            case ContainerExitStatus.PREEMPTED -> new Exit(Kind.PREEMPTED, false, "preempted by YARN");
            case ContainerExitStatus.KILLED_EXCEEDED_PMEM -> new Exit(Kind.EXCEEDED_PHYSICAL_MEMORY, true,
                    "killed by YARN for using more physical memory than its container allows (" + usage(detail, false)
                            + "); " + memoryAdvice(detail, memory));
            case ContainerExitStatus.KILLED_EXCEEDED_VMEM -> new Exit(Kind.EXCEEDED_VIRTUAL_MEMORY, true,
                    "killed by YARN for using more virtual memory than its container allows (" + usage(detail, true)
                            + "); JVMs reserve far more virtual memory than they use: raise "
                            + "yarn.nodemanager.vmem-pmem-ratio or set yarn.nodemanager.vmem-check-enabled=false");
            case ContainerExitStatus.DISKS_FAILED -> new Exit(Kind.DISKS_FAILED, true,
                    "failed because the node's local disks failed: " + lastLines(detail));
            case ContainerExitStatus.ABORTED -> new Exit(Kind.NODE_LOST_OR_ABORTED, false,
                    "aborted by YARN (its node was lost or the container was never started)"
                            + (detail.isEmpty() ? "" : ": " + lastLines(detail)));
            case ContainerExitStatus.KILLED_BY_RESOURCEMANAGER, ContainerExitStatus.KILLED_BY_CONTAINER_SCHEDULER,
                    ContainerExitStatus.KILLED_AFTER_APP_COMPLETION -> new Exit(Kind.KILLED_BY_YARN, false,
                    "killed by YARN (exit status " + exitStatus + ")" + (detail.isEmpty() ? "" : ": "
                            + lastLines(detail)));
            default -> new Exit(Kind.FAILED, true, "exited with code " + exitStatus + describeCode(exitStatus)
                    + (detail.isEmpty() ? "" : "; last lines of its diagnostics and stderr:" + System.lineSeparator()
                            + lastLines(detail)));
        };
    }

    /**
     * What to raise after a physical-memory kill. With the settings known, the suggested overhead is the larger of
     * twice the current overhead and what the measured use needs with a quarter of headroom ({@code 1.25 × used −
     * heap}), rounded up to 64 MiB: memory past the heap (direct buffers, thread stacks, metaspace, native
     * libraries) is what the overhead covers, and doubling at least ends a run of kills that creep up by a few MiB.
     */
    private static String memoryAdvice(String diagnostics, Optional<ExecutorMemory> memory) {
        if (memory.isEmpty()) {
            return "raise spindle.executor.memoryOverhead, or spindle.executor.memory if the heap itself is short";
        }
        long heapMb = memory.get().heapMb();
        long overheadMb = memory.get().overheadMb();
        OptionalLong usedMb = usedPhysicalMb(diagnostics);
        long needed = usedMb.isPresent() ? (usedMb.getAsLong() * 5 + 3) / 4 - heapMb : 0;
        long suggested = roundUp(Math.max(2 * overheadMb, needed), ROUND_MB);
        return "raise spindle.executor.memoryOverhead (now " + mb(overheadMb) + ") to at least " + mb(suggested)
                + ", or spindle.executor.memory (now " + mb(heapMb) + ") if the heap itself is short";
    }

    /**
     * The "used" figure of "666.2 MB of 256 MB physical memory used", in whole MiB (YARN prints binary units with
     * one decimal, so a fraction of a MiB is noise).
     */
    static OptionalLong usedPhysicalMb(String diagnostics) {
        Matcher m = USED_PHYSICAL.matcher(diagnostics);
        if (!m.find()) {
            return OptionalLong.empty();
        }
        double value = Double.parseDouble(m.group(1));
        int power = "BKMGTPE".indexOf(m.group(2).isEmpty() ? "B" : m.group(2)) - 2;
        return OptionalLong.of(Math.round(value * Math.pow(1024, power)));
    }

    private static long roundUp(long value, long step) {
        return (value + step - 1) / step * step;
    }

    /** {@code 384m}, or {@code 2g} for whole GiB: a value the setting accepts as written. */
    private static String mb(long mb) {
        return ConfigParsers.formatBytes(mb << 20);
    }

    private static String describeCode(int code) {
        return switch (code) {
            case 0 -> " before it was told to stop";
            case 1 -> " (bad arguments or a startup failure)";
            case 2 -> " (lost its connection to the driver)";
            case 3 -> " (heard nothing from the driver within spindle.network.timeout)";
            case 4 -> " (the driver refused its registration)";
            case 137 -> " (SIGKILL)";
            case 143 -> " (SIGTERM)";
            default -> "";
        };
    }

    /** "1.6 GB of 1 GB physical memory used" (or the virtual figures) from YARN's diagnostics. */
    private static String usage(String diagnostics, boolean virtual) {
        Matcher m = USAGE.matcher(diagnostics);
        if (!m.find()) {
            return diagnostics.isEmpty() ? "no figures reported" : lastLines(diagnostics);
        }
        String figures = m.group(1).strip();
        if (virtual) {
            int semicolon = diagnostics.indexOf(';', m.start(1));
            Matcher v = Pattern.compile(";\\s*([^;]*virtual memory used)").matcher(diagnostics);
            if (semicolon >= 0 && v.find(semicolon)) {
                return v.group(1).strip();
            }
        }
        return figures;
    }

    private static String lastLines(String text) {
        List<String> lines = Arrays.stream(text.split("\\R")).filter(l -> !l.isBlank()).toList();
        return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - DIAGNOSTIC_LINES),
                lines.size()));
    }
}
