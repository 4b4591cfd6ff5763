package dev.spindle.ui;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.Clock;
import dev.spindle.common.NamedThreadFactory;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import dev.spindle.scheduler.spi.SchedulerEvent;
import dev.spindle.scheduler.spi.SchedulerListener;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Draws the progress of running stages on the terminal, like Spark's console progress bar:
 * {@code [Stage 3:=====>        (37 + 4) / 120]} (completed + running / total tasks), up to three stages side
 * by side. Redrawn at most every {@code spindle.ui.consoleProgress.interval} by one timer thread, in place with
 * {@code \r}; a stage appears only after it has run for {@link #SHOW_AFTER_MS} so that short jobs do not flicker;
 * the line is cleared when the stages finish. Draws nothing unless {@code spindle.ui.showConsoleProgress} is true
 * and the output is a terminal.
 */
public final class ConsoleProgressBar implements SchedulerListener, AutoCloseable {
    /** A stage is drawn only once it has been running this long. */
    public static final long SHOW_AFTER_MS = 500;
    static final int DEFAULT_WIDTH = 80;
    static final int MAX_STAGES_SHOWN = 3;

    private static final Logger LOG = LogManager.getLogger(ConsoleProgressBar.class);
    private static final Comparator<StageKey> ORDER =
            Comparator.comparingInt(StageKey::stageId).thenComparingInt(StageKey::attempt);

    private final PrintStream out;
    private final int width;
    private final Clock clock;
    private final boolean enabled;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<StageKey, StageProgress> stages = new TreeMap<>(ORDER); // guarded by this
    private String lastLine = ""; // guarded by this

    private record StageKey(int stageId, int attempt) {
    }

    /** Mutable counters of one stage attempt; guarded by the bar's lock. */
    private static final class StageProgress {
        private final int stageId;
        private final int numTasks;
        private final long submittedMillis;
        private int completed;
        private int running;

        private StageProgress(int stageId, int numTasks, long submittedMillis) {
            this.stageId = stageId;
            this.numTasks = numTasks;
            this.submittedMillis = submittedMillis;
        }
    }

    /**
     * @param conf reads {@code spindle.ui.showConsoleProgress} and {@code spindle.ui.consoleProgress.interval}
     * @param out where to draw (stderr)
     * @param terminal whether {@code out} is a terminal; nothing is drawn otherwise
     * @param width the terminal width in columns
     * @param clock decides how long stages have run
     */
    public ConsoleProgressBar(SpindleConf conf, PrintStream out, boolean terminal, int width, Clock clock) {
        requireNonNull(conf, "conf is null");
        this.out = requireNonNull(out, "out is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.width = width > 0 ? width : DEFAULT_WIDTH;
        this.enabled = terminal && conf.get(SpindleConfig.CONSOLE_PROGRESS);
        if (enabled) {
            long intervalMillis = Math.max(1, conf.get(SpindleConfig.CONSOLE_PROGRESS_INTERVAL).toMillis());
            timer = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("console-progress", true));
            timer.scheduleWithFixedDelay(this::renderSafely, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        } else {
            timer = null;
        }
    }

    /** A bar on {@code System.err}, enabled when a console is attached; the width comes from {@code COLUMNS}. */
    public static ConsoleProgressBar create(SpindleConf conf) {
        return new ConsoleProgressBar(conf, System.err, System.console() != null, terminalWidth(System.getenv()),
                Clock.SYSTEM);
    }

    /** {@code COLUMNS} when it is a positive number, else 80. */
    public static int terminalWidth(Map<String, String> env) {
        String columns = env.get("COLUMNS");
        if (columns != null) {
            try {
                int parsed = Integer.parseInt(columns.strip());
                if (parsed > 0) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                LOG.debug("Ignoring COLUMNS={}: not a number", columns);
            }
        }
        return DEFAULT_WIDTH;
    }

    public boolean enabled() {
        return enabled;
    }

    @Override
    public void onEvent(SchedulerEvent event) {
        if (!enabled || closed.get()) {
            return;
        }
        boolean finished = false;
        synchronized (this) {
            if (event instanceof SchedulerEvent.StageSubmitted s) {
                stages.put(new StageKey(s.stageId(), s.attempt()), new StageProgress(s.stageId(), s.numTasks(), s.time()));
            } else if (event instanceof SchedulerEvent.TaskStarted t) {
                StageProgress stage = stages.get(new StageKey(t.stageId(), t.stageAttempt()));
                if (stage != null) {
                    stage.running++;
                }
            } else if (event instanceof SchedulerEvent.TaskEnded t) {
                StageProgress stage = stages.get(new StageKey(t.stageId(), t.stageAttempt()));
                if (stage != null) {
                    stage.running = Math.max(0, stage.running - 1);
                    if (t.failure() == null) {
                        stage.completed = Math.min(stage.numTasks, stage.completed + 1);
                    }
                }
            } else if (event instanceof SchedulerEvent.StageCompleted s) {
                stages.remove(new StageKey(s.stageId(), s.attempt()));
                finished = true;
            } else if (event instanceof SchedulerEvent.JobFinished) {
                finished = true;
            }
        }
        if (finished) {
            // Remove finished stages from the line now rather than at the next tick.
            render();
        }
    }

    private void renderSafely() {
        try {
            render();
        } catch (RuntimeException e) {
            LOG.warn("Console progress bar failed to draw: {}", e.toString());
        }
    }

    /** Draws the current state once (the timer calls this; tests call it directly). */
    synchronized void render() {
        if (!enabled || closed.get()) {
            return;
        }
        long now = clock.millis();
        List<StageProgress> shown = new ArrayList<>();
        for (StageProgress stage : stages.values()) {
            if (now - stage.submittedMillis >= SHOW_AFTER_MS && shown.size() < MAX_STAGES_SHOWN) {
                shown.add(stage);
            }
        }
        if (shown.isEmpty()) {
            clearLine();
            return;
        }
        int perStage = width / shown.size();
        StringBuilder line = new StringBuilder();
        for (StageProgress stage : shown) {
            line.append(bar(stage.stageId, stage.completed, stage.running, stage.numTasks, perStage));
        }
        String text = line.toString();
        if (text.equals(lastLine)) {
            return;
        }
        String padding = " ".repeat(Math.max(0, lastLine.length() - text.length()));
        out.print("\r" + text + padding);
        out.flush();
        lastLine = text;
    }

    /** One stage's bar, at most {@code width} characters when the counts fit. */
    static String bar(int stageId, int completed, int running, int total, int width) {
        String header = "[Stage " + stageId + ":";
        String tailer = "(" + completed + " + " + running + ") / " + total + "]";
        int barWidth = width - header.length() - tailer.length();
        StringBuilder bar = new StringBuilder(header);
        if (barWidth > 0) {
            int done = total == 0 ? 0 : (int) ((long) barWidth * completed / total);
            for (int i = 0; i < barWidth; i++) {
                bar.append(i < done ? '=' : i == done ? '>' : ' ');
            }
        }
        return bar.append(tailer).toString();
    }

    private void clearLine() {
        if (!lastLine.isEmpty()) {
            out.print("\r" + " ".repeat(lastLine.length()) + "\r");
            out.flush();
            lastLine = "";
        }
    }

    /** Stops the timer thread and clears the line. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true) || timer == null) {
            return;
        }
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(1, TimeUnit.SECONDS)) {
                LOG.warn("Console progress thread did not stop within 1s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            clearLine();
        }
    }
}
