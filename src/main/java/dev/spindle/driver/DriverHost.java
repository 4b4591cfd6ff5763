package dev.spindle.driver;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import dev.spindle.config.MasterSpec;
import dev.spindle.config.Redaction;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The process that runs a Spindle program and provides its driver: {@code spindle-submit} in the local modes, the
 * YARN ApplicationMaster on a cluster. The composition root builds a host and calls the program's {@code main}
 * inside {@link #run}; every {@code Context} the program creates there, on that thread or on threads it starts,
 * leases its driver from the host. A context created outside any host (a test, a program started with plain
 * {@code java}) builds a local driver from its own configuration over the {@code spindle.*} system properties.
 *
 * <p>The binding is scoped to the program's threads (an inheritable thread-local set for the duration of
 * {@code run}), not a slot that anyone fills later: whoever calls {@code main} decides where its driver comes from.
 */
public final class DriverHost {
    private static final Logger LOG = LogManager.getLogger(DriverHost.class);
    private static final InheritableThreadLocal<DriverHost> CURRENT = new InheritableThreadLocal<>();

    /** A context's driver and configuration; closing it ends the context's use of the driver. */
    public interface Lease extends AutoCloseable {
        Driver driver();

        /** The configuration the context reads at each action (the program's settings over the host's). */
        SpindleConf conf();

        @Override
        void close();
    }

    /** A lease whose {@code close} runs {@code onClose} once. */
    private static final class SimpleLease implements Lease {
        private final Driver driver;
        private final SpindleConf conf;
        private final Runnable onClose;
        private final AtomicBoolean closed = new AtomicBoolean();

        SimpleLease(Driver driver, SpindleConf conf, Runnable onClose) {
            this.driver = driver;
            this.conf = conf;
            this.onClose = onClose;
        }

        @Override
        public Driver driver() {
            return driver;
        }

        @Override
        public SpindleConf conf() {
            return conf;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                onClose.run();
            }
        }
    }

    private interface Leaser {
        Lease lease(SpindleConf programConf, ClassLoader loader);
    }

    private final String description;
    private final Leaser leaser;

    private DriverHost(String description, Leaser leaser) {
        this.description = description;
        this.leaser = leaser;
    }

    /**
     * A host for the local masters: each context gets its own driver, configured by the program's settings over
     * {@code submitted} (the program's {@code spindle.master} wins, as a master set in code does in Spark).
     */
    public static DriverHost local(SpindleConf submitted) {
        requireNonNull(submitted, "submitted is null");
        return new DriverHost("spindle-submit", (programConf, loader) -> {
            SpindleConf conf = submitted.withAll(programConf);
            Driver driver = Driver.start(conf, loader);
            return new SimpleLease(driver, conf, driver::close);
        });
    }

    /**
     * A host that owns the application's one driver, started before the program (the ApplicationMaster's: its
     * executors are already coming). Contexts take turns on it: one open at a time, each closing cancels its
     * running jobs, and the driver stops when the host's owner closes it. A program's own settings apply to what
     * is read at each action (output, checkpoints, ...); those read when the driver and executors started keep
     * their submitted values, and a warning names them.
     */
    public static DriverHost of(Driver driver, String description) {
        requireNonNull(driver, "driver is null");
        requireNonNull(description, "description is null");
        AtomicBoolean leased = new AtomicBoolean();
        return new DriverHost(description, (programConf, loader) -> {
            if (!leased.compareAndSet(false, true)) {
                throw new SpindleException(ErrorCode.INVALID_ARGUMENT, "a Context is already open in this "
                        + "application; " + description + " runs one driver per application: share that Context, "
                        + "or close it before creating another");
            }
            warnAboutStartupSettings(driver.conf(), programConf, description);
            SpindleConf conf = driver.conf().withAll(programConf).with(SpindleConfig.MASTER,
                    driver.conf().get(SpindleConfig.MASTER));
            return new SimpleLease(driver, conf, () -> {
                driver.cancelAllJobs("the Context was closed");
                leased.set(false);
            });
        });
    }

    private static void warnAboutStartupSettings(SpindleConf hostConf, SpindleConf programConf, String description) {
        Map<String, String> differing = new TreeMap<>();
        programConf.asMap().forEach((key, value) -> {
            if (!value.equals(hostConf.asMap().get(key))) {
                differing.put(key, Redaction.value(key, value));
            }
        });
        if (!differing.isEmpty()) {
            LOG.warn("The program sets {}; {} started the driver and executors before the program ran, so settings "
                    + "read at start (master, executor and driver resources, RPC, memory) keep their submitted "
                    + "values; pass them to spindle-submit instead", differing, description);
        }
    }

    /** The host of the program running on this thread, if any. */
    public static Optional<DriverHost> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /**
     * A driver for a context configured with {@code programConf}: the current host's, or else a local one
     * configured by the {@code spindle.*} system properties under {@code programConf}.
     */
    public static Lease leaseFor(SpindleConf programConf, ClassLoader loader) {
        requireNonNull(programConf, "programConf is null");
        requireNonNull(loader, "loader is null");
        DriverHost host = CURRENT.get();
        if (host == null) {
            SpindleConf conf = SpindleConf.fromSystemProperties().withAll(programConf);
            if (conf.get(SpindleConfig.MASTER).equals("yarn")) {
                throw SpindleException.invalidArgument("spindle.master=yarn, but this thread has no driver: on YARN "
                        + "the ApplicationMaster hosts the driver for the program's main thread and the threads it "
                        + "starts; create the Context there (not on a pool thread made before main runs), and "
                        + "submit the program with bin/spindle-submit --master yarn (or yarn jar)");
            }
            host = local(SpindleConf.fromSystemProperties());
        }
        return host.leaser.lease(programConf, loader);
    }

    /** Something the host runs: the program's {@code main}, typically. */
    @FunctionalInterface
    public interface Program {
        void run() throws Exception;
    }

    /** Runs {@code program} with this host bound to the current thread and the threads the program starts. */
    public void run(Program program) throws Exception {
        requireNonNull(program, "program is null");
        DriverHost previous = CURRENT.get();
        CURRENT.set(this);
        try {
            program.run();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    @Override
    public String toString() {
        return "DriverHost[" + description + "]";
    }
}
