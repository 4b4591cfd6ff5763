package dev.spindle.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.TaskAttemptId;
import dev.spindle.config.SpindleConf;
import dev.spindle.plan.CommitDeniedException;
import dev.spindle.plan.TaskContext;
import dev.spindle.plan.TaskMetrics;
import dev.spindle.serde.DefaultRecordSerializer;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint partition is written by the one attempt the driver allows; a denied attempt leaves nothing. */
class CheckpointFilesTest {
    @TempDir
    Path dir;

    /** The task context of attempt {@code taskId} of partition 0, which the driver answers with {@code allowed}. */
    private static TaskContext attempt(long taskId, boolean allowed) {
        TaskMetrics metrics = new TaskMetrics();
        return (TaskContext) Proxy.newProxyInstance(TaskContext.class.getClassLoader(),
                new Class<?>[] {TaskContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "attemptId" -> new TaskAttemptId(taskId, 0, 0, 0, (int) taskId);
                    case "conf" -> SpindleConf.empty();
                    case "metrics" -> metrics;
                    case "canCommit" -> allowed;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private long write(TaskContext context, List<String> records) {
        return CheckpointFiles.writePartition(dir.toString(), 3, 0, records.iterator(),
                DefaultRecordSerializer.class.getName(), context);
    }

    @Test
    void aDeniedAttemptDeletesItsTempFileAndLeavesTheCommittedPartitionAlone() throws IOException {
        assertThat(write(attempt(1, true), List.of("a", "b"))).isEqualTo(2);
        Path committed = dir.resolve("node-3/part-00000.ckpt");
        byte[] bytes = Files.readAllBytes(committed);

        assertThatThrownBy(() -> write(attempt(2, false), List.of("a", "b", "c")))
                .isInstanceOf(CommitDeniedException.class).hasMessageContaining("task 2");

        assertThat(committed).hasBinaryContent(bytes);
        try (Stream<Path> files = Files.list(dir.resolve("node-3"))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")))
                    .containsExactly("part-00000.ckpt");
        }
    }
}
