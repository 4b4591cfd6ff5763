package dev.spindle.recovery;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.Clock;
import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import dev.spindle.config.Redaction;
import dev.spindle.recovery.log.LogRecord;
import dev.spindle.scheduler.spi.SchedulerEvent;
import dev.spindle.scheduler.spi.SchedulerListener;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Writes the event log of one ApplicationMaster attempt: {@code <eventLogDir>/<appId>/attempt-<n>.avro}, one Avro
 * container file of {@link LogRecord}s. It is the application's history and the journal the next attempt replays,
 * so it is made durable ({@code hflush}) after every stage and job boundary, at the application's start and end,
 * and after every {@link RecoveryRecord} before {@link #record} returns.
 *
 * <p>The log never fails the application: the first I/O failure is logged once and turns the writer off. All
 * methods are thread-safe.
 */
public final class EventLogWriter implements SchedulerListener, ActionJournal.Log, AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(EventLogWriter.class);

    /** Metadata keys of the container file's header, for readers that want to know what they opened. */
    static final String META_APP_ID = "spindle.appId";
    static final String META_ATTEMPT = "spindle.attempt";
    static final String META_FORMAT_VERSION = "spindle.eventLog.version";
    static final String FORMAT_VERSION = "1";


    private final Path file;
    private final FSDataOutputStream stream;
    private final DataFileWriter<LogRecord> writer;
    private final Clock clock;
    /** How often records appended without a flush are made durable anyway. */
    static final long FLUSH_INTERVAL_MILLIS = 1000;

    private boolean open = true;
    /** Records appended since the last flush. */
    private boolean dirty;
    private final java.util.concurrent.ScheduledExecutorService flusher =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    new dev.spindle.common.NamedThreadFactory("spindle-event-log-flush", true));

    private EventLogWriter(Path file, FSDataOutputStream stream, DataFileWriter<LogRecord> writer, Clock clock) {
        this.file = requireNonNull(file, "file is null");
        this.stream = requireNonNull(stream, "stream is null");
        this.writer = requireNonNull(writer, "writer is null");
        this.clock = requireNonNull(clock, "clock is null");
        // Within a long stage, task events and map outputs become durable at least this often: an attempt lost
        // mid-stage leaves the next one the map outputs finished until a second before.
        flusher.scheduleWithFixedDelay(this::flushIfDirty, FLUSH_INTERVAL_MILLIS, FLUSH_INTERVAL_MILLIS,
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private synchronized void flushIfDirty() {
        if (open && dirty) {
            try {
                writer.flush();
                stream.hflush();
                dirty = false;
            } catch (IOException | RuntimeException e) {
                LOG.warn("Event log {} failed while flushing; no more events are logged in this attempt", file, e);
                open = false;
                closeQuietly(writer, stream, e);
            }
        }
    }

    /** {@code <home directory of the user on fs>/.spindle/events}: where event logs go when no directory is set. */
    public static Path defaultDir(FileSystem fs) {
        return new Path(fs.getHomeDirectory(), ".spindle/events");
    }

    /** An event log directory, qualified, and the file system it lies on. */
    public record Location(FileSystem fs, Path dir) {
    }

    /**
     * The directory {@code configured} names, on its own file system; unset, {@link #defaultDir} on the default
     * file system of {@code hadoop}.
     */
    public static Location locate(java.util.Optional<String> configured, org.apache.hadoop.conf.Configuration hadoop)
            throws IOException {
        FileSystem fs;
        Path dir;
        if (configured.isPresent()) {
            dir = new Path(configured.get());
            fs = dir.getFileSystem(hadoop);
        } else {
            fs = FileSystem.get(hadoop);
            dir = defaultDir(fs);
        }
        return new Location(fs, fs.makeQualified(dir));
    }

    /** The event log file of one attempt. */
    public static Path attemptFile(Path eventLogDir, String appId, int attempt) {
        return new Path(new Path(eventLogDir, appId), EventLogReader.FILE_PREFIX + attempt + EventLogReader.FILE_SUFFIX);
    }

    /**
     * Creates the event log of attempt {@code attempt} of application {@code appId}, with its header durable.
     *
     * @throws SpindleException when the file already exists (an attempt's log is never overwritten) or cannot be
     *     created
     */
    public static EventLogWriter open(FileSystem fs, Path eventLogDir, String appId, int attempt) {
        requireNonNull(fs, "fs is null");
        requireNonNull(eventLogDir, "eventLogDir is null");
        requireNonNull(appId, "appId is null");
        SpindleException.checkArgument(!appId.isBlank() && !appId.contains("/"), "application id '%s' is not a "
                + "valid directory name", appId);
        SpindleException.checkArgument(attempt >= 1, "attempt %d of %s: attempts count from 1", attempt, appId);
        Path file = attemptFile(eventLogDir, appId, attempt);
        FSDataOutputStream stream;
        try {
            fs.mkdirs(file.getParent());
            stream = fs.create(file, false);
        } catch (FileAlreadyExistsException e) {
            throw alreadyExists(file, e);
        } catch (IOException e) {
            if (exists(fs, file)) {
                throw alreadyExists(file, e);
            }
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot create event log " + file + ": " + e.getMessage()
                    + "; point spindle.eventLog.dir at a writable directory, or set spindle.eventLog.enabled=false "
                    + "(a restarted ApplicationMaster then runs the program from the start)", e);
        }
        DataFileWriter<LogRecord> writer = new DataFileWriter<>(new SpecificDatumWriter<>(LogRecord.class));
        try {
            writer.setMeta(META_APP_ID, appId);
            writer.setMeta(META_ATTEMPT, attempt);
            writer.setMeta(META_FORMAT_VERSION, FORMAT_VERSION);
            writer.create(LogRecord.getClassSchema(), stream);
            writer.flush();
            stream.hflush();
        } catch (IOException | RuntimeException e) {
            closeQuietly(writer, stream, e);
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot write the header of event log " + file + ": "
                    + e.getMessage(), e);
        }
        LOG.info("Writing the event log of attempt {} of {} to {}", attempt, appId, file);
        return new EventLogWriter(file, stream, writer, Clock.SYSTEM);
    }

    public Path file() {
        return file;
    }

    /** False once closed or turned off by an I/O failure. */
    public synchronized boolean isOpen() {
        return open;
    }

    /** Appends a listener event; stage and job boundaries and the application's start and end are made durable. */
    @Override
    public synchronized void onEvent(SchedulerEvent event) {
        if (!open) {
            return;
        }
        LogRecord record;
        try {
            record = EventLogCodec.encode(redacted(event));
        } catch (RuntimeException e) {
            LOG.warn("Event log {}: cannot encode {}; it is left out", file, event, e);
            return;
        }
        boolean durable = event instanceof SchedulerEvent.StageCompleted || event instanceof SchedulerEvent.JobFinished
                || event instanceof SchedulerEvent.ApplicationStarted || event instanceof SchedulerEvent.ApplicationEnded;
        append(record, durable, event);
    }

    /** Appends a recovery record and makes it durable before returning: a commit point of recovery. */
    @Override
    public synchronized void record(RecoveryRecord record) {
        requireNonNull(record, "record is null");
        if (open) {
            append(EventLogCodec.encode(record, clock.millis()), true, record);
        }
    }

    /**
     * Appends a recovery record without waiting for it to be durable: it becomes so with the next stage or job
     * boundary (map outputs, which a later attempt may reuse but can always recompute).
     */
    @Override
    public synchronized void append(RecoveryRecord record) {
        requireNonNull(record, "record is null");
        if (open) {
            append(EventLogCodec.encode(record, clock.millis()), false, record);
        }
    }

    private void append(LogRecord record, boolean durable, Object what) {
        try {
            writer.append(record);
            dirty = true;
            if (durable) {
                writer.flush();
                stream.hflush();
                dirty = false;
            }
        } catch (DataFileWriter.AppendWriteException e) {
            // Avro rolled its buffer back: the file is intact, only this record is missing.
            LOG.warn("Event log {}: cannot write {}; it is left out", file, what, e);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Event log {} failed while writing {}; no more events are logged in this attempt, and a later "
                    + "attempt cannot replay what follows", file, what, e);
            open = false;
            closeQuietly(writer, stream, e);
        }
    }

    /** Flushes and closes the file; later events are ignored. */
    @Override
    public synchronized void close() {
        flusher.shutdownNow();
        if (!open) {
            return;
        }
        open = false;
        try {
            writer.flush();
            stream.hflush();
            writer.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Event log {}: cannot close it cleanly; its last events may be missing", file, e);
            closeQuietly(writer, stream, e);
        }
    }

    private static SchedulerEvent redacted(SchedulerEvent event) {
        if (!(event instanceof SchedulerEvent.ApplicationStarted started)) {
            return event;
        }
        Map<String, String> conf = Redaction.of(started.conf());
        return new SchedulerEvent.ApplicationStarted(started.time(), started.appId(), started.attempt(),
                started.appName(), started.user(), conf, started.runtime());
    }

    private static SpindleException alreadyExists(Path file, Exception cause) {
        return new SpindleException(ErrorCode.OUTPUT_CONFLICT, "event log " + file + " already exists; the log of an "
                + "attempt is never overwritten", cause);
    }

    private static boolean exists(FileSystem fs, Path file) {
        try {
            return fs.exists(file);
        } catch (IOException e) {
            return false;
        }
    }

    private static void closeQuietly(DataFileWriter<LogRecord> writer, FSDataOutputStream stream, Exception failure) {
        try {
            writer.close();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
            try {
                stream.close();
            } catch (IOException | RuntimeException e2) {
                failure.addSuppressed(e2);
            }
        }
    }
}
