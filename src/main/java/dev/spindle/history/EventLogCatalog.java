package dev.spindle.history;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import dev.spindle.recovery.EventLogReader;
import dev.spindle.scheduler.spi.SchedulerEvent;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The applications whose event logs lie under one directory ({@code DIR/<appId>/attempt-<n>.avro}, on any Hadoop
 * file system): a summary of each attempt, read once per version of its file (path, length, modification time), and
 * the events of an attempt for the pages. An attempt without {@code ApplicationEnded} is incomplete: still running,
 * or ended without unregistering (a killed ApplicationMaster); its log still loads, up to its last flushed block.
 */
public final class EventLogCatalog {
    private static final Logger LOG = LogManager.getLogger(EventLogCatalog.class);

    /** One attempt of an application, from its event log. Times in epoch milliseconds; {@code end} -1 if incomplete. */
    public record Attempt(String appId, int attempt, String name, String user, long start, long end,
            long lastUpdated, String status, Path file) {
        public boolean completed() {
            return end >= 0;
        }

        public long duration() {
            return (completed() ? end : lastUpdated) - start;
        }
    }

    /** An application: its attempts, oldest first; the last one decides its status. */
    public record Application(String id, List<Attempt> attempts) {
        public Application {
            attempts = List.copyOf(attempts);
        }

        public Attempt last() {
            return attempts.get(attempts.size() - 1);
        }
    }

    private record Version(long length, long modified) {
    }

    private record Cached(Version version, Attempt attempt) {
    }

    private final FileSystem fs;
    private final Path dir;
    private final LongSupplier clock;
    private final Map<Path, Cached> summaries = new ConcurrentHashMap<>();

    public EventLogCatalog(FileSystem fs, Path dir, LongSupplier clock) {
        this.fs = requireNonNull(fs, "fs is null");
        this.dir = requireNonNull(dir, "dir is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public Path dir() {
        return dir;
    }

    /** Every application with at least one readable attempt, the most recently started first. */
    public List<Application> applications() {
        List<Application> applications = new ArrayList<>();
        for (FileStatus appDir : list(dir)) {
            if (appDir.isDirectory()) {
                application(appDir.getPath().getName()).ifPresent(applications::add);
            }
        }
        applications.sort(Comparator.comparingLong((Application a) -> a.attempts().get(0).start()).reversed());
        return applications;
    }

    /** The application {@code appId}, when it has a readable attempt. */
    public Optional<Application> application(String appId) {
        List<Attempt> attempts = new ArrayList<>();
        for (Path file : EventLogReader.attemptFiles(fs, dir, appId)) {
            summary(file).ifPresent(attempts::add);
        }
        return attempts.isEmpty() ? Optional.empty() : Optional.of(new Application(appId, attempts));
    }

    /** The events of one attempt, as far as its log was flushed. */
    public List<SchedulerEvent> events(Attempt attempt) {
        return EventLogReader.read(fs, attempt.file()).events();
    }

    /**
     * Deletes the logs of applications whose newest log was last written more than {@code maxAge} ago; returns how
     * many applications went. A log being written keeps its application.
     */
    public int deleteOlderThan(Duration maxAge) {
        long cutoff = clock.getAsLong() - maxAge.toMillis();
        int deleted = 0;
        for (FileStatus appDir : list(dir)) {
            if (!appDir.isDirectory()) {
                continue;
            }
            long newest = appDir.getModificationTime();
            for (FileStatus file : list(appDir.getPath())) {
                newest = Math.max(newest, file.getModificationTime());
            }
            if (newest < cutoff) {
                try {
                    if (fs.delete(appDir.getPath(), true)) {
                        deleted++;
                        LOG.info("Deleted the event logs of {}: last written {} ms ago, past spindle.history.maxAge={}",
                                appDir.getPath().getName(), clock.getAsLong() - newest, maxAge);
                    }
                } catch (IOException e) {
                    LOG.warn("Cannot delete the old event logs in {}: {}", appDir.getPath(), e.toString());
                }
                summaries.keySet().removeIf(p -> p.getParent().equals(appDir.getPath()));
            }
        }
        return deleted;
    }

    private Optional<Attempt> summary(Path file) {
        FileStatus status;
        try {
            status = fs.getFileStatus(file);
        } catch (IOException e) {
            return Optional.empty();
        }
        Version version = new Version(status.getLen(), status.getModificationTime());
        Cached cached = summaries.get(file);
        if (cached != null && cached.version().equals(version)) {
            return Optional.of(cached.attempt());
        }
        Attempt attempt;
        try {
            attempt = summarize(file, status.getModificationTime());
        } catch (SpindleException e) {
            LOG.warn("Skipping unreadable event log {}: {}", file, e.getMessage());
            return Optional.empty();
        }
        if (attempt == null) {
            return Optional.empty();
        }
        summaries.put(file, new Cached(version, attempt));
        return Optional.of(attempt);
    }

    /** The summary of one log, or null when it holds no ApplicationStarted yet. */
    private Attempt summarize(Path file, long modified) {
        SchedulerEvent.ApplicationStarted started = null;
        SchedulerEvent.ApplicationEnded ended = null;
        for (SchedulerEvent event : EventLogReader.read(fs, file).events()) {
            if (event instanceof SchedulerEvent.ApplicationStarted s) {
                started = s;
            } else if (event instanceof SchedulerEvent.ApplicationEnded e) {
                ended = e;
            }
        }
        if (started == null) {
            return null;
        }
        return new Attempt(started.appId(), started.attempt(), started.appName(), started.user(), started.time(),
                ended == null ? -1 : ended.time(), modified, ended == null ? "INCOMPLETE" : ended.status(), file);
    }

    private List<FileStatus> list(Path path) {
        try {
            return List.of(fs.listStatus(path));
        } catch (FileNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot list " + path + ": " + e.getMessage(), e);
        }
    }
}
