package dev.spindle.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.recovery.EventLogWriter;
import dev.spindle.scheduler.spi.SchedulerEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLogCatalogTest {
    @TempDir
    java.nio.file.Path tmp;

    private FileSystem fs;
    private Path dir;
    private final AtomicLong now = new AtomicLong();
    private EventLogCatalog catalog;

    @BeforeEach
    void setUp() {
        fs = new RawLocalFs();
        dir = new Path(tmp.toUri().toString(), "events");
        catalog = new EventLogCatalog(fs, dir, now::get);
    }

    /** The raw local file system, so that what was flushed is what a reader sees, as on HDFS. */
    private static final class RawLocalFs extends org.apache.hadoop.fs.FilterFileSystem {
        RawLocalFs() {
            super(rawLocal());
        }

        private static FileSystem rawLocal() {
            try {
                return FileSystem.getLocal(new Configuration()).getRaw();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private void log(String app, int attempt, long start, Long end, String status) {
        try (EventLogWriter writer = EventLogWriter.open(fs, dir, app, attempt)) {
            writer.onEvent(new SchedulerEvent.ApplicationStarted(start, app, attempt, "job " + app, "alice",
                    Map.of("spindle.master", "yarn"), Map.of()));
            if (end != null) {
                writer.onEvent(new SchedulerEvent.ApplicationEnded(end, status, ""));
            }
        }
    }

    @Test
    void listsApplicationsNewestFirstWithTheirAttemptsAndStatus() {
        log("application_1_0001", 1, 1_000, 5_000L, "SUCCEEDED");
        log("application_1_0002", 1, 2_000, null, null);
        log("application_1_0002", 2, 9_000, 12_000L, "FAILED");
        log("application_1_0003", 1, 3_000, null, null);

        List<EventLogCatalog.Application> apps = catalog.applications();

        assertThat(apps).extracting(EventLogCatalog.Application::id)
                .containsExactly("application_1_0003", "application_1_0002", "application_1_0001");
        EventLogCatalog.Application retried = apps.get(1);
        assertThat(retried.attempts()).extracting(EventLogCatalog.Attempt::attempt).containsExactly(1, 2);
        assertThat(retried.attempts().get(0).completed()).as("a killed AM's attempt").isFalse();
        assertThat(retried.last().status()).isEqualTo("FAILED");
        assertThat(retried.last().duration()).isEqualTo(3_000);
        EventLogCatalog.Attempt done = apps.get(2).last();
        assertThat(done.name()).isEqualTo("job application_1_0001");
        assertThat(done.user()).isEqualTo("alice");
        assertThat(done.status()).isEqualTo("SUCCEEDED");
        assertThat(apps.get(0).last().status()).as("no ApplicationEnded: running or killed").isEqualTo("INCOMPLETE");
        assertThat(catalog.events(done)).hasSize(2);
    }

    @Test
    void anEmptyOrMissingDirectoryHasNoApplications() {
        assertThat(catalog.applications()).isEmpty();
        assertThat(catalog.application("application_1_0009")).isEmpty();
    }

    @Test
    void logsOlderThanTheMaximumAgeAreDeleted() throws IOException {
        log("application_1_0001", 1, 1_000, 5_000L, "SUCCEEDED");
        log("application_1_0002", 1, 2_000, 6_000L, "SUCCEEDED");
        fs.setTimes(new Path(dir, "application_1_0001/attempt-1.avro"), 10_000, -1);
        fs.setTimes(new Path(dir, "application_1_0001"), 10_000, -1);
        long written = fs.getFileStatus(new Path(dir, "application_1_0002/attempt-1.avro")).getModificationTime();
        now.set(written + Duration.ofDays(1).toMillis());

        assertThat(catalog.deleteOlderThan(Duration.ofDays(7))).isEqualTo(1);

        assertThat(catalog.applications()).extracting(EventLogCatalog.Application::id)
                .containsExactly("application_1_0002");
        assertThat(fs.exists(new Path(dir, "application_1_0001"))).isFalse();
    }
}
