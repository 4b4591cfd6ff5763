package dev.spindle.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.ExecutorId;
import dev.spindle.scheduler.spi.SchedulerEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The event log on HDFS: what was hflushed is readable while the writer still has the file open. */
@Timeout(180)
class EventLogHdfsTest {
    private static final String APP = "application_1700000000000_0009";

    @TempDir
    static Path base;
    private static MiniDFSCluster cluster;
    private static FileSystem fs;

    @BeforeAll
    static void start() throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.resolve("dfs").toString());
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        fs = cluster.getFileSystem();
    }

    @AfterAll
    static void stop() throws IOException {
        if (fs != null) {
            fs.close();
        }
        if (cluster != null) {
            cluster.shutdown(true);
        }
    }

    @Test
    void aLogStillOpenForWritingIsReadUpToItsLastHflush() {
        org.apache.hadoop.fs.Path dir = EventLogWriter.defaultDir(fs);
        assertThat(dir.toUri().getPath()).isEqualTo(fs.getHomeDirectory().toUri().getPath() + "/.spindle/events");
        var started = new SchedulerEvent.ApplicationStarted(1, APP, 1, "app", "alice", Map.of("spindle.master", "yarn"), Map.of());
        var task = new SchedulerEvent.TaskStarted(2, 0, 0, 0L, 0, 0, new ExecutorId("1"), "host-a");
        var stage = new SchedulerEvent.StageCompleted(3, 0, 0, "map", null);
        var output = new RecoveryRecord.OutputStarted(0, "fp", "/user/alice/out");
        try (EventLogWriter writer = EventLogWriter.open(fs, dir, APP, 1)) {
            writer.onEvent(started);
            writer.onEvent(task);
            writer.onEvent(stage);
            writer.record(output);

            EventLogReader.Contents contents = EventLogReader.read(fs, writer.file());

            assertThat(contents.events()).containsExactly(started, task, stage);
            assertThat(contents.records()).containsExactly(output);
            assertThat(contents.truncated()).isFalse();
            assertThat(EventLogReader.attemptFiles(fs, dir, APP)).containsExactly(fs.makeQualified(writer.file()));
        }
    }
}
