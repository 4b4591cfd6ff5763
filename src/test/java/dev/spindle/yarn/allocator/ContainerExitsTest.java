package dev.spindle.yarn.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.yarn.allocator.ContainerExits.Exit;
import dev.spindle.yarn.allocator.ContainerExits.Kind;
import org.apache.hadoop.yarn.api.records.ContainerExitStatus;
import org.junit.jupiter.api.Test;

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
