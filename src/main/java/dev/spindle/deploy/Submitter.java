package dev.spindle.deploy;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.SpindleException;
import dev.spindle.common.SpindleVersion;
import dev.spindle.common.StackTraces;
import dev.spindle.config.Redaction;
import dev.spindle.driver.DriverHost;
import dev.spindle.yarn.client.YarnSubmitter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.lang.reflect.InvocationTargetException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs {@code spindle-submit}: parses and validates the arguments and the jar, then runs the application's
 * {@code main} in this JVM (local masters) or submits it to YARN ({@code --master yarn}). Returns the process exit code instead of exiting, so that it can be
 * tested: 0 when {@code main} returned, 1 when it threw, 2 for usage and configuration errors (nothing ran).
 */
public final class Submitter {
    public static final int EXIT_OK = 0;
    public static final int EXIT_APP_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    private static final Logger LOG = LogManager.getLogger(Submitter.class);
    private static final String PREFIX = "spindle-submit: ";

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    /**
     * @param out where --help and --version print
     * @param err where errors, warnings and --verbose output go
     * @param env the environment ({@code SPINDLE_CONF_DIR}, {@code SPINDLE_HOME})
     */
    public Submitter(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = requireNonNull(out, "out is null");
        this.err = requireNonNull(err, "err is null");
        this.env = Map.copyOf(requireNonNull(env, "env is null"));
    }

    /** Runs the command line {@code args} and returns the exit code. */
    public int run(String[] args) {
        requireNonNull(args, "args is null");
        if (args.length == 0) {
            err.print(SubmitArguments.USAGE);
            return EXIT_USAGE;
        }
        SubmitArguments arguments;
        try {
            arguments = SubmitArguments.parse(args, env);
        } catch (SpindleException e) {
            return usageError(e.getMessage());
        }
        switch (arguments.action()) {
            case HELP -> {
                out.print(SubmitArguments.USAGE);
                return EXIT_OK;
            }
            case STATUS, KILL -> {
                return yarnCommand(arguments);
            }
            case VERSION -> {
                out.println("spindle-submit " + SpindleVersion.current() + " (Java " + Runtime.version() + ", "
                        + System.getProperty("java.vendor", "unknown vendor") + ")");
                return EXIT_OK;
            }
            default -> {
                return submit(arguments);
            }
        }
    }

    private int submit(SubmitArguments arguments) {
        arguments.warnings().forEach(warning -> err.println(PREFIX + "warning: " + warning));
        if (arguments.verbose()) {
            printResolved(arguments);
        }
        UserApplication application;
        try {
            application = UserApplication.load(arguments.jar(), arguments.mainClass(), Submitter.class.getClassLoader());
        } catch (SpindleException e) {
            return usageError(e.getMessage());
        }
        try (application) {
            return switch (arguments.master().kind()) {
                case YARN -> runOnYarn(arguments);
                case LOCAL, LOCAL_CLUSTER -> runInThisJvm(arguments, application);
            };
        } catch (IOException e) {
            // Only closing the class loader throws; the application has finished by then.
            LOG.warn("Could not close the class loader of {}: {}", arguments.jar(), e.toString());
            return EXIT_OK;
        }
    }

    /** Submits to the YARN cluster of {@code HADOOP_CONF_DIR}: the driver runs in the ApplicationMaster. */
    private int runOnYarn(SubmitArguments arguments) {
        YarnSubmitter yarn;
        try {
            yarn = yarnSubmitter();
        } catch (SpindleException e) {
            return usageError(e.getMessage());
        }
        String home = env.getOrDefault("SPINDLE_HOME", System.getProperty("spindle.home"));
        String log4j = System.getProperty("log4j2.configurationFile");
        Path log4jFile = log4j == null || log4j.contains(",") ? null : Path.of(log4j.replaceFirst("^file:", ""));
        return yarn.submit(new YarnSubmitter.Application(arguments.conf(),
                arguments.jar(), arguments.mainClass(), arguments.appArgs(), home == null ? null : Path.of(home),
                log4jFile));
    }

    private int yarnCommand(SubmitArguments arguments) {
        YarnSubmitter yarn;
        try {
            yarn = yarnSubmitter();
        } catch (SpindleException e) {
            return usageError(e.getMessage());
        }
        return arguments.action() == SubmitArguments.Action.STATUS ? yarn.status(arguments.applicationId())
                : yarn.kill(arguments.applicationId());
    }

    /** A YARN client for the cluster of {@code HADOOP_CONF_DIR}; throws when that is not set up. */
    private YarnSubmitter yarnSubmitter() {
        return new YarnSubmitter(YarnSubmitter.clusterConf(env), err);
    }

    private int runInThisJvm(SubmitArguments arguments, UserApplication application) {
        LOG.info("Running {} from {} with master {}", arguments.mainClass(), arguments.jar(), arguments.master());
        Thread thread = Thread.currentThread();
        ClassLoader previousLoader = thread.getContextClassLoader();
        try {
            thread.setContextClassLoader(application.loader());
            // The program's contexts take their configuration and driver from this host, not from system properties.
            DriverHost.local(arguments.conf()).run(() -> application.main().invoke(null,
                    (Object) arguments.appArgs().toArray(new String[0])));
            return EXIT_OK;
        } catch (InvocationTargetException e) {
            return applicationFailed(e.getCause() == null ? e : e.getCause(), arguments.verbose());
        } catch (ExceptionInInitializerError e) {
            return applicationFailed(e, arguments.verbose());
        } catch (IllegalAccessException e) {
            throw new SpindleException(dev.spindle.common.ErrorCode.INTERNAL,
                    "cannot call main of " + arguments.mainClass() + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new SpindleException(dev.spindle.common.ErrorCode.INTERNAL,
                    "running main of " + arguments.mainClass() + " failed: " + e, e);
        } finally {
            thread.setContextClassLoader(previousLoader);
        }
    }

    private int applicationFailed(Throwable error, boolean verbose) {
        err.println(PREFIX + "application failed: " + describe(error));
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(error);
        String last = describe(error);
        for (Throwable cause = error.getCause(); cause != null && seen.add(cause); cause = cause.getCause()) {
            // A cause that says what the line above said (an exception rethrown on the caller's thread around the
            // original, to keep both stacks) adds nothing here; --verbose prints both.
            String line = describe(cause);
            if (!line.equals(last)) {
                err.println("  caused by: " + line);
            }
            last = line;
        }
        if (verbose) {
            err.print(StackTraces.format(error));
        } else {
            err.println("  (run with --verbose for the stack trace)");
        }
        return EXIT_APP_FAILED;
    }

    private static String describe(Throwable error) {
        return error.getMessage() == null ? error.getClass().getName()
                : error.getClass().getName() + ": " + error.getMessage();
    }

    private int usageError(String message) {
        err.println(PREFIX + "error: " + message);
        return EXIT_USAGE;
    }

    private void printResolved(SubmitArguments arguments) {
        err.println(PREFIX + "master " + arguments.master() + ", main class " + arguments.mainClass() + ", jar "
                + arguments.jar().toAbsolutePath() + ", args " + arguments.appArgs());
        err.println(PREFIX + "configuration (keys not listed have their defaults, see docs/configuration.md):");
        arguments.conf().asMap().forEach((key, value) ->
                err.println("  " + key + "=" + Redaction.value(key, value) + "  (from " + arguments.origins().get(key)
                        + ")"));
    }
}
