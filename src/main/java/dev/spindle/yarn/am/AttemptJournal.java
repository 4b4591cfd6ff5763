package dev.spindle.yarn.am;

import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConfig;
import dev.spindle.recovery.ActionJournal;
import dev.spindle.recovery.EventLogReader;
import dev.spindle.recovery.EventLogWriter;
import dev.spindle.recovery.RecoveryRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * An attempt's event log and its journal of actions: the earlier attempts' logs are read (their completed
 * actions, outputs and checkpoints become replayable), then this attempt's log is created.
 *
 * @param writer this attempt's event log; null when {@code spindle.eventLog.enabled=false}
 */
record AttemptJournal(EventLogWriter writer, ActionJournal actions) {
    private static final Logger LOG = LogManager.getLogger(AttemptJournal.class);

    static AttemptJournal open(FileSystem fs, AmLaunch launch) {
        if (!launch.conf().getOptional(SpindleConfig.EVENT_LOG_ENABLED).orElse(true)) {
            LOG.warn("spindle.eventLog.enabled=false: no event log, so a later ApplicationMaster attempt will run "
                    + "the program from the start");
            return new AttemptJournal(null, ActionJournal.disabled());
        }
        Path dir = launch.conf().getOptional(SpindleConfig.EVENT_LOG_DIR).map(Path::new)
                .orElseGet(() -> EventLogWriter.defaultDir(fs));
        int attempt = launch.attempt().getAttemptId();
        List<RecoveryRecord> earlier = new ArrayList<>();
        List<String> read = new ArrayList<>();
        if (attempt > 1) {
            for (Path file : EventLogReader.attemptFiles(fs, dir, launch.applicationId())) {
                EventLogReader.Contents contents;
                try {
                    contents = EventLogReader.read(fs, file);
                } catch (SpindleException e) {
                    // Reading on would replay less than the file holds; ignoring it only reruns more.
                    LOG.warn("Ignoring the unreadable event log {} ({}); the actions it journaled run again",
                            file, e.getMessage());
                    continue;
                }
                earlier.addAll(contents.records());
                read.add(file.getName().replace(".avro", "").replace("-", " ")
                        + (contents.truncated() ? " (its log cut short)" : ""));
            }
            if (read.isEmpty()) {
                LOG.warn("Attempt {} of {} finds no event log of an earlier attempt in {}/{}; the program runs from "
                        + "the start", attempt, launch.applicationId(), dir, launch.applicationId());
            } else {
                LOG.info("Attempt {} of {} resumes from {} in {}/{}: {} journaled actions, outputs and checkpoints",
                        attempt, launch.applicationId(), read, dir, launch.applicationId(), earlier.size());
            }
        }
        EventLogWriter writer = EventLogWriter.open(fs, dir, launch.applicationId(), attempt);
        LOG.info("Event log: {}", writer.file());
        String names = attempt == 1 ? "" : read.isEmpty() ? "an earlier attempt" : String.join(" and ", read);
        return new AttemptJournal(writer, new ActionJournal(writer, earlier, names,
                launch.conf().get(SpindleConfig.RECOVERY_MAX_RESULT_BYTES)));
    }
}
