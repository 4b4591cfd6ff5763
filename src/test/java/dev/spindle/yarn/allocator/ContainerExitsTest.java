package dev.spindle.yarn.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.yarn.allocator.ContainerExits.ExecutorMemory;
import dev.spindle.yarn.allocator.ContainerExits.Exit;
import dev.spindle.yarn.allocator.ContainerExits.Kind;
import org.apache.hadoop.yarn.api.records.ContainerExitStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContainerExitsTest {
    private static final String PMEM = "Container [pid=4242,containerID=container_1_0001_01_000002] is running "
            + "412345678B beyond the 'PHYSICAL' memory limit. Current usage: 666.2 MB of 256 MB physical memory "
            + "used; 2.9 GB of 537.6 MB virtual memory used. Killing container.\nDump of the process-tree...";

    @Test
    void physicalMemoryKillsNameTheFiguresAndTheSettingToRaise() {
        Exit exit = ContainerExits.classify(ContainerExitStatus.KILLED_EXCEEDED_PMEM, PMEM, false);
        assertThat(exit.kind()).isEqualTo(Kind.EXCEEDED_PHYSICAL_MEMORY);
        assertThat(exit.countsAsFailure()).isTrue();
        assertThat(exit.message()).contains("(666.2 MB of 256 MB physical memory used)")
                .contains("raise spindle.executor.memoryOverhead");
    }

    @Test
    void withTheSettingsKnownAPhysicalMemoryKillSuggestsAnOverheadFromTheMeasuredUse() {
        // 666 MB used × 1.25 − 128 MB heap = 705 MB, above twice the overhead; rounded up to 64 MB: 768m.
        Exit exit = ContainerExits.classify(ContainerExitStatus.KILLED_EXCEEDED_PMEM, PMEM, false,
                new ExecutorMemory(128, 128));
        assertThat(exit.message()).contains("(666.2 MB of 256 MB physical memory used)")
                .contains("raise spindle.executor.memoryOverhead (now 128m) to at least 768m")
                .contains("or spindle.executor.memory (now 128m) if the heap itself is short");
    }

    @ParameterizedTest(name = "{0} used, heap {1} MB, overhead {2} MB: {3}")
    @CsvSource({
        // A little over the limit: twice the overhead, which ends a run of kills creeping up by a few MB.
        "300 MB, 128, 128, 256m",
        // GB figures; 1.6 GB × 1.25 − 1024 = 1024 MB, shown as whole GB.
        "1.6 GB, 1024, 384, 1g",
        // Rounded up to 64 MB: 2000 × 1.25 − 1024 = 1476 → 1536.
        "2000 MB, 1024, 384, 1536m",
    })
    void theSuggestedOverheadIsTheLargerOfTwiceTheOverheadAndTheMeasuredNeed(String used, long heapMb,
            long overheadMb, String suggested) {
        String diagnostics = "Container [pid=1,containerID=container_1_0001_01_000002] is running beyond the "
                + "'PHYSICAL' memory limit. Current usage: " + used + " of " + (heapMb + overheadMb)
                + " MB physical memory used; 9 GB of 2 GB virtual memory used. Killing container.";
        Exit exit = ContainerExits.classify(ContainerExitStatus.KILLED_EXCEEDED_PMEM, diagnostics, false,
                new ExecutorMemory(heapMb, overheadMb));
        assertThat(exit.message()).contains("(" + used + " of " + (heapMb + overheadMb) + " MB physical memory used)")
                .contains("(now " + overheadMb + "m) to at least " + suggested + ",");
    }

    @Test
    void withoutFiguresTheSuggestionIsTwiceTheOverhead() {
        Exit exit = ContainerExits.classify(ContainerExitStatus.KILLED_EXCEEDED_PMEM, "", false,
                new ExecutorMemory(2048, 384));
        assertThat(exit.message()).contains("(no figures reported)")
                .contains("raise spindle.executor.memoryOverhead (now 384m) to at least 768m")
                .contains("spindle.executor.memory (now 2g)");
    }

    @Test
    void usedMemoryIsReadInBinaryUnits() {
        assertThat(ContainerExits.usedPhysicalMb(PMEM)).hasValue(666);
        assertThat(ContainerExits.usedPhysicalMb("Current usage: 1.6 GB of 1 GB physical memory used"))
                .hasValue(1638);
        assertThat(ContainerExits.usedPhysicalMb("Current usage: 1536 KB of 1 GB physical memory used"))
                .hasValue(2);
        assertThat(ContainerExits.usedPhysicalMb("no figures")).isEmpty();
    }

    @Test
    void virtualMemoryKillsNameTheVirtualFiguresAndTheNodeManagerSettings() {
        Exit exit = ContainerExits.classify(ContainerExitStatus.KILLED_EXCEEDED_VMEM, PMEM, false);
        assertThat(exit.kind()).isEqualTo(Kind.EXCEEDED_VIRTUAL_MEMORY);
        assertThat(exit.message()).contains("(2.9 GB of 537.6 MB virtual memory used)")
                .contains("yarn.nodemanager.vmem-check-enabled=false");
    }

    @Test
    void releasedPreemptedAndAbortedContainersAreNotFailures() {
        assertThat(ContainerExits.classify(ContainerExitStatus.ABORTED, "", true).kind()).isEqualTo(Kind.RELEASED);
        assertThat(ContainerExits.classify(ContainerExitStatus.PREEMPTED, "", false).countsAsFailure()).isFalse();
        Exit lost = ContainerExits.classify(ContainerExitStatus.ABORTED, "node lost", false);
        assertThat(lost.kind()).isEqualTo(Kind.NODE_LOST_OR_ABORTED);
        assertThat(lost.countsAsFailure()).isFalse();
        assertThat(ContainerExits.classify(ContainerExitStatus.DISKS_FAILED, "disk /data1 failed", false)
                .countsAsFailure()).isTrue();
    }

    @Test
    void otherExitsGiveTheCodeItsMeaningAndTheLastLinesOfStderr() {
        StringBuilder stderr = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            stderr.append("line ").append(i).append('\n');
        }
        Exit exit = ContainerExits.classify(137, stderr.toString(), false);
        assertThat(exit.kind()).isEqualTo(Kind.FAILED);
        assertThat(exit.message()).startsWith("exited with code 137 (SIGKILL)").contains("line 20")
                .contains("line 13").doesNotContain("line 12\n");
        assertThat(ContainerExits.classify(2, "", false).message())
                .isEqualTo("exited with code 2 (lost its connection to the driver)");
    }
}
