package dev.spindle.yarn.allocator;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.yarn.api.records.ContainerExitStatus;

/** Turns a completed container's exit status and diagnostics into one line a user can act on. */
public final class ContainerExits {
    private static final Pattern USAGE = Pattern.compile("Current usage: (.*?(?:memory used|$))", Pattern.MULTILINE);
    private static final int DIAGNOSTIC_LINES = 8;

    /** How a container ended. */
    public enum Kind { RELEASED, PREEMPTED, EXCEEDED_PHYSICAL_MEMORY, EXCEEDED_VIRTUAL_MEMORY, DISKS_FAILED,
        NODE_LOST_OR_ABORTED, KILLED_BY_YARN, FAILED }

    /**
     * @param countsAsFailure whether it counts against {@code spindle.executor.maxFailures}: not for containers we
     *     released, preempted ones, or ones YARN aborted (a lost node), which say nothing about the application
     */
    public record Exit(Kind kind, boolean countsAsFailure, String message) {
    }

    private ContainerExits() {
    }

    public static Exit classify(int exitStatus, String diagnostics, boolean releasedByUs) {
        String detail = diagnostics == null ? "" : diagnostics.strip();
        if (releasedByUs) {
            return new Exit(Kind.RELEASED, false, "released by the ApplicationMaster");
        }
        return switch (exitStatus) {
            case ContainerExitStatus.PREEMPTED -> new Exit(Kind.PREEMPTED, false, "preempted by YARN");
            case ContainerExitStatus.KILLED_EXCEEDED_PMEM -> new Exit(Kind.EXCEEDED_PHYSICAL_MEMORY, true,
                    "killed by YARN for using more physical memory than its container allows (" + usage(detail, false)
                            + "); raise spindle.executor.memoryOverhead, or spindle.executor.memory if the heap "
                            + "itself is short");
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
