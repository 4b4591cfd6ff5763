package dev.spindle.history;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.NamedThreadFactory;
import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import dev.spindle.io.HadoopConfs;
import dev.spindle.recovery.EventLogWriter;
import dev.spindle.ui.status.StoreLimits;
import dev.spindle.ui.web.UiServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The history server ({@code bin/spindle-history}): the same pages and REST API as a driver's live UI, for every
 * application whose event logs lie in {@code spindle.history.dir} (finished ones, running ones, and ones whose
 * ApplicationMaster was killed), with a list of the applications at its root. Logs older than
 * {@code spindle.history.maxAge} are deleted every {@code spindle.history.cleaner.interval}.
 */
public final class HistoryServer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(HistoryServer.class);

    private final EventLogCatalog catalog;
    private final UiServer ui;
    private final ScheduledExecutorService cleaner;

    private HistoryServer(EventLogCatalog catalog, UiServer ui, ScheduledExecutorService cleaner) {
        this.catalog = catalog;
        this.ui = ui;
        this.cleaner = cleaner;
    }

    /** Starts serving the event logs {@code conf} names. */
    public static HistoryServer start(SpindleConf conf) {
        requireNonNull(conf, "conf is null");
        EventLogWriter.Location logs;
        try {
            logs = EventLogWriter.locate(conf.getOptional(SpindleConfig.HISTORY_DIR), HadoopConfs.from(conf));
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot open the history directory (spindle.history.dir="
                    + conf.getOptional(SpindleConfig.HISTORY_DIR).orElse("<unset>") + "): " + e.getMessage(), e);
        }
        FileSystem fs = logs.fs();
        Path dir = logs.dir();
        EventLogCatalog catalog = new EventLogCatalog(fs, dir, System::currentTimeMillis);
        HistoryStores stores = new HistoryStores(catalog, StoreLimits.from(conf),
                conf.get(SpindleConfig.HISTORY_RETAINED_APPLICATIONS));
        UiServer ui = UiServer.startHistory(new UiServer.Binding("0.0.0.0", hostName(),
                conf.get(SpindleConfig.HISTORY_UI_PORT), 0), new HistoryDirectory(catalog, stores), List.of());
        ScheduledExecutorService cleaner = Executors.newSingleThreadScheduledExecutor(
                new NamedThreadFactory("spindle-history-cleaner", true));
        Duration maxAge = conf.get(SpindleConfig.HISTORY_MAX_AGE);
        long every = conf.get(SpindleConfig.HISTORY_CLEANER_INTERVAL).toMillis();
        cleaner.scheduleWithFixedDelay(() -> {
            try {
                catalog.deleteOlderThan(maxAge);
            } catch (RuntimeException e) {
                LOG.warn("Cleaning the history directory {} failed: {}", catalog.dir(), e.getMessage());
            }
        }, 0, every, TimeUnit.MILLISECONDS);
        LOG.info("History server at {} serving the event logs in {}", ui.uri(), dir);
        return new HistoryServer(catalog, ui, cleaner);
    }

    public URI uri() {
        return ui.uri();
    }

    /** The directory whose event logs are served. */
    public Path dir() {
        return catalog.dir();
    }

    @Override
    public void close() {
        cleaner.shutdownNow();
        ui.close();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /**
     * {@code HistoryServer [--properties-file FILE] [--conf key=value]...}: settings from FILE (default
     * {@code $SPINDLE_CONF_DIR/spindle-defaults.conf} when it exists), then the {@code --conf} pairs; serves until
     * the process is told to stop.
     */
    public static void main(String[] args) throws InterruptedException {
        SpindleConf conf;
        try {
            conf = parse(args);
        } catch (SpindleException e) {
            System.err.println("spindle-history: error: " + e.getMessage());
            System.exit(2);
            return;
        }
        HistoryServer server = start(conf);
        System.out.println("spindle-history: serving " + server.dir() + " at " + server.uri() + "/");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "spindle-history-shutdown"));
        stopped.await();
    }

    static SpindleConf parse(String[] args) {
        SpindleConf conf = SpindleConf.empty();
        String confDir = System.getenv("SPINDLE_CONF_DIR");
        java.nio.file.Path file = confDir == null ? null : java.nio.file.Path.of(confDir, "spindle-defaults.conf");
        SpindleConf overrides = SpindleConf.empty();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if ((arg.equals("--conf") || arg.equals("--properties-file")) && i + 1 >= args.length) {
                throw SpindleException.invalidArgument("%s needs a value", arg);
            }
            if (arg.equals("--properties-file")) {
                file = java.nio.file.Path.of(args[++i]);
                if (!Files.isRegularFile(file)) {
                    throw SpindleException.invalidArgument("--properties-file %s is not a file", file);
                }
            } else if (arg.equals("--conf")) {
                String pair = args[++i];
                int eq = pair.indexOf('=');
                if (eq <= 0) { // the argument is not echoed: it may be a secret's value
                    throw SpindleException.invalidArgument("--conf takes key=value; got %d characters %s",
                            pair.length(), eq == 0 ? "with no key before '='" : "without '='");
                }
                overrides = overrides.with(pair.substring(0, eq), pair.substring(eq + 1));
            } else {
                throw SpindleException.invalidArgument("unknown argument '%s'; spindle-history takes "
                        + "[--properties-file FILE] [--conf key=value]...", arg);
            }
        }
        if (file != null && Files.isRegularFile(file)) {
            conf = SpindleConf.fromFile(file);
        }
        conf = conf.withAll(overrides);
        for (var entry : List.of(SpindleConfig.HISTORY_UI_PORT, SpindleConfig.HISTORY_MAX_AGE,
                SpindleConfig.HISTORY_CLEANER_INTERVAL, SpindleConfig.HISTORY_RETAINED_APPLICATIONS)) {
            conf.get(entry); // validates now, with the key in the message
        }
        return conf;
    }
}
