package dev.spindle.yarn.am;

import dev.spindle.cluster.ExternalClusterManager;
import dev.spindle.common.StackTraces;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import dev.spindle.rpc.AppSecret;
import dev.spindle.yarn.StagedResources;
import dev.spindle.yarn.allocator.YarnAllocator;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptId;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.client.api.async.AMRMClientAsync;
import org.apache.hadoop.yarn.client.api.async.NMClientAsync;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The YARN ApplicationMaster: hosts the driver. It runs the user's {@code main} in a driver thread with the
 * application jar's class loader, after registering with the ResourceManager; each {@code Context} the program
 * creates gets its executors from a {@link YarnAllocator}. The final
 * status follows how {@code main} ends: it returns, SUCCEEDED; it throws, FAILED with the exception as diagnostics;
 * {@code System.exit(n)}, SUCCEEDED only for 0. Then it unregisters and deletes the staging directory.
 */
public final class ApplicationMaster {
    private static final Logger LOG = LogManager.getLogger(ApplicationMaster.class);
    private static final int DIAGNOSTIC_STACK_LINES = 30;
    private static final long DRIVER_UNWIND_MILLIS = 10_000;

    /** How the user's program ended. */
    record Outcome(FinalApplicationStatus status, String diagnostics) {
    }

    private final java.nio.file.Path workDir;
    private final Map<String, String> env;
    private final YarnConfiguration yarnConf = new YarnConfiguration();
    private AMRMClientAsync<ContainerRequest> amrm;
    private String host = "";

    ApplicationMaster(java.nio.file.Path workDir, Map<String, String> env) {
        this.workDir = workDir;
        this.env = env;
    }

    public static void main(String[] args) {
        int code;
        try {
            code = new ApplicationMaster(java.nio.file.Path.of("").toAbsolutePath(), System.getenv()).run();
        } catch (Throwable t) {
            LOG.fatal("ApplicationMaster failed", t);
            code = 1;
        }
        LogManager.shutdown();
        System.exit(code);
    }

    int run() throws IOException, YarnException {
        SpindleConf conf = SpindleConf.fromFile(workDir.resolve(StagedResources.inConfArchive(
                StagedResources.SPINDLE_CONF)));
        List<String> lines = Files.readAllLines(workDir.resolve(StagedResources.inConfArchive(
                StagedResources.APP_ARGS)), StandardCharsets.UTF_8);
        String mainClass = lines.get(0);
        List<String> args = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            args.add(new String(Base64.getDecoder().decode(line), StandardCharsets.UTF_8));
        }
        StagedResources listed = StagedResources.readFrom(workDir.resolve(StagedResources.inConfArchive(
                StagedResources.FILE_NAME)));
        ApplicationAttemptId attempt = ContainerId.fromString(
                env.get(ApplicationConstants.Environment.CONTAINER_ID.name())).getApplicationAttemptId();
        host = env.getOrDefault(ApplicationConstants.Environment.NM_HOST.name(), "");
        byte[] key = UserGroupInformation.getCurrentUser().getCredentials()
                .getSecretKey(new Text(AppSecret.CREDENTIALS_ALIAS));
        if (key == null) {
            throw new IllegalStateException("the AM's credentials hold no " + AppSecret.CREDENTIALS_ALIAS
                    + "; was the application submitted by spindle-submit?");
        }
        FileSystem fs = FileSystem.get(yarnConf);
        Path stagingDir = new Path(env.get(StagedResources.STAGING_DIR_ENV));
        // The list was written before the archive that holds it; executors get the archive too.
        StagedResources staged = listed.with(StagedResources.describe(fs, new Path(stagingDir,
                StagedResources.CONF_ARCHIVE_FILE), StagedResources.CONF_ARCHIVE, StagedResources.Role.CONF_ARCHIVE,
                false));
        LOG.info("ApplicationMaster {} starting {} (staging dir {})", attempt, mainClass, stagingDir);

        YarnAllocator allocator = new YarnAllocator(new YarnAllocator.Settings(yarnConf, fs, stagingDir, staged,
                AppSecret.of(key)));
        amrm = AMRMClientAsync.createAMRMClientAsync(1000, allocator.rmCallbacks());
        NMClientAsync nm = NMClientAsync.createNMClientAsync(allocator.nmCallbacks());
        nm.init(yarnConf);
        nm.start();
        allocator.attach(amrm, nm);
        ExternalClusterManager.install((driverConf, localDir, events) -> {
            JobProgress progress = new JobProgress();
            events.addListener(progress);
            allocator.reportProgress(progress::progress);
            return allocator.provisioner(driverConf);
        });

        // Registered before main runs: the RM expires an attempt that has not registered within its liveness
        // interval (10 min by default), however long main takes to create its first Context.
        register();
        Outcome outcome;
        try {
            outcome = runUserMain(conf, mainClass, args, staged.applicationJars());
        } finally {
            ExternalClusterManager.uninstall();
        }
        List<String> containerFailures = allocator.recentFailures();
        if (outcome.status() != FinalApplicationStatus.SUCCEEDED && !containerFailures.isEmpty()) {
            outcome = new Outcome(outcome.status(), outcome.diagnostics() + System.lineSeparator()
                    + "Executor container failures (most recent last):" + System.lineSeparator()
                    + String.join(System.lineSeparator(), containerFailures));
        }
        LOG.info("The application ended: {}{}", outcome.status(),
                outcome.diagnostics().isEmpty() ? "" : " (" + outcome.diagnostics().lines().findFirst().orElse("")
                        + ")");
        amrm.unregisterApplicationMaster(outcome.status(), outcome.diagnostics(), "");
        if (!conf.get(SpindleConfig.YARN_PRESERVE_STAGING_FILES)) {
            try {
                fs.delete(stagingDir, true);
            } catch (IOException e) {
                LOG.warn("Could not delete the staging directory {}: {}", stagingDir, e.toString());
            }
        }
        nm.stop();
        amrm.stop();
        return 0;
    }

    /** Starts the ResourceManager client and registers (no RPC port: executors learn the driver's from it). */
    private void register() {
        amrm.init(yarnConf);
        amrm.start();
        try {
            var response = amrm.registerApplicationMaster(host, -1, "");
            LOG.info("Registered with the ResourceManager; the largest container is {}",
                    response.getMaximumResourceCapability());
        } catch (YarnException | IOException e) {
            throw new IllegalStateException("cannot register the ApplicationMaster with the ResourceManager: " + e, e);
        }
    }

    /** Runs {@code main} in a driver thread whose exits are trapped; returns how it ended. */
    private Outcome runUserMain(SpindleConf conf, String mainClass, List<String> args, List<String> jars)
            throws IOException {
        conf.with(SpindleConfig.MASTER, "yarn").asMap().forEach(System::setProperty);
        if (conf.getOptional(SpindleConfig.LOCAL_DIR).isEmpty()) {
            // The driver's files (the secret file among them) go under the container's directory, which YARN
            // deletes whatever way the attempt ends, rather than /tmp.
            System.setProperty(SpindleConfig.LOCAL_DIR.key(), workDir.resolve("spindle-local").toString());
        }
        List<URL> urls = new ArrayList<>();
        for (String jar : jars) {
            urls.add(workDir.resolve(jar).toUri().toURL());
        }
        ThreadGroup userThreads = new ThreadGroup("spindle-user");
        // Completed by main's end, or by System.exit from any of the application's threads (the driver thread
        // may then still be running; the AM ends it when it exits).
        java.util.concurrent.CompletableFuture<Outcome> outcome = new java.util.concurrent.CompletableFuture<>();
        ExitTrap trap = ExitTrap.install(userThreads, status -> outcome.complete(exitOutcome(status)));
        try (URLClassLoader loader = new URLClassLoader("spindle-app", urls.toArray(new URL[0]),
                ApplicationMaster.class.getClassLoader())) {
            Thread driver = new Thread(userThreads, () -> outcome.complete(invokeMain(loader, mainClass, args)),
                    "spindle-driver");
            driver.setContextClassLoader(loader);
            driver.start();
            Outcome result = outcome.get();
            // After System.exit the driver thread unwinds (closing the user's Context); give it a moment.
            driver.join(DRIVER_UNWIND_MILLIS);
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(FinalApplicationStatus.FAILED, "the ApplicationMaster was interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            return new Outcome(FinalApplicationStatus.FAILED, "the driver thread failed: " + e.getCause());
        } finally {
            trap.uninstall();
        }
    }

    private static Outcome exitOutcome(int status) {
        return status == 0 ? new Outcome(FinalApplicationStatus.SUCCEEDED, "")
                : new Outcome(FinalApplicationStatus.FAILED, "the application called System.exit(" + status + ")");
    }

    private static Outcome invokeMain(ClassLoader loader, String mainClass, List<String> args) {
        Method main;
        try {
            main = Class.forName(mainClass, true, loader).getMethod("main", String[].class);
            if (!Modifier.isStatic(main.getModifiers())) {
                return new Outcome(FinalApplicationStatus.FAILED, mainClass + ".main is not static");
            }
            main.setAccessible(true);
        } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
            return new Outcome(FinalApplicationStatus.FAILED, "cannot load " + mainClass + ".main(String[]) from the "
                    + "application jar: " + e);
        }
        try {
            main.invoke(null, (Object) args.toArray(new String[0]));
            return new Outcome(FinalApplicationStatus.SUCCEEDED, "");
        } catch (InvocationTargetException e) {
            // After a trapped System.exit this outcome comes second and is ignored: the trap reported the status.
            Throwable error = e.getCause() == null ? e : e.getCause();
            return new Outcome(FinalApplicationStatus.FAILED, "User class " + mainClass + " threw " + describe(error));
        } catch (IllegalAccessException e) {
            return new Outcome(FinalApplicationStatus.FAILED, "cannot call " + mainClass + ".main: " + e);
        }
    }

    /** The exception and the top of its stack trace, for the ResourceManager's diagnostics. */
    static String describe(Throwable error) {
        List<String> lines = StackTraces.format(error).lines().toList();
        String head = String.join(System.lineSeparator(), lines.subList(0, Math.min(lines.size(),
                DIAGNOSTIC_STACK_LINES)));
        return lines.size() > DIAGNOSTIC_STACK_LINES ? head + System.lineSeparator() + "\t... (the AM's log has the rest)"
                : head;
    }
}
