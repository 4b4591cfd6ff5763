package dev.spindle.yarn.am;

import com.sun.net.httpserver.Filter;
import dev.spindle.cluster.ClusterBackend;
import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import dev.spindle.common.StackTraces;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import dev.spindle.driver.Driver;
import dev.spindle.driver.DriverHost;
import dev.spindle.driver.RuntimeInfo;
import dev.spindle.io.DriverEndpointFile;
import dev.spindle.recovery.EventLogWriter;
import dev.spindle.rpc.RpcServer;
import dev.spindle.scheduler.spi.SchedulerEvent;
import dev.spindle.scheduler.spi.SchedulerListener;
import dev.spindle.yarn.StagedResources;
import dev.spindle.yarn.YarnConfs;
import dev.spindle.yarn.allocator.YarnAllocator;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.client.api.async.AMRMClientAsync;
import org.apache.hadoop.yarn.client.api.async.NMClientAsync;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The YARN ApplicationMaster: the composition root of a driver on YARN. It starts its parts in a declared order:
 * <ol>
 *   <li>bind the driver's RPC port and register with the ResourceManager with that host and port, adopting the
 *       executor containers an earlier attempt left running;</li>
 *   <li>the event log: the earlier attempts' logs are read (what they completed can be replayed) and this
 *       attempt's is created, before the driver starts, so that it records every event from the first;</li>
 *   <li>the driver: its backend and RPC server, and the allocator, which asks at once for the executors not
 *       adopted, while the program is still starting;</li>
 *   <li>the driver's address in the staging directory, and a bounded wait for the adopted executors to register
 *       again with their shuffle output and cached partitions;</li>
 *   <li>the user's {@code main} in a driver thread, with the application jar's class loader and the driver as its
 *       host ({@link DriverHost}): every {@code Context} it creates runs on that driver.</li>
 * </ol>
 * The final status follows how {@code main} ends: it returns, SUCCEEDED; it throws, FAILED with the exception as
 * diagnostics, and no retry (rerunning a bug wastes the cluster); {@code System.exit(n)}, SUCCEEDED only for 0.
 * Then it unregisters and deletes the staging directory. When the AM itself fails outside {@code main}, it exits
 * without unregistering so that YARN starts another attempt, except on the last attempt, where it unregisters
 * FAILED and deletes the staging directory.
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

    ApplicationMaster(java.nio.file.Path workDir, Map<String, String> env) {
        this.workDir = workDir;
        this.env = env;
        YarnConfs.shortenCloseWaits(yarnConf);
    }

    public static void main(String[] args) {
        int code;
        try {
            code = new ApplicationMaster(java.nio.file.Path.of("").toAbsolutePath(), System.getenv()).run();
        } catch (Throwable t) {
            LOG.fatal("ApplicationMaster failed; YARN starts another attempt if any is left", t);
            code = 1;
        }
        LogManager.shutdown();
        System.exit(code);
    }

    int run() throws IOException, YarnException {
        AmLaunch launch = AmLaunch.read(workDir, env);
        FileSystem fs = FileSystem.get(yarnConf);
        Path stagingDir = launch.stagingDir();
        StagedResources staged = launch.staged(fs);
        LOG.info("ApplicationMaster {} (attempt {} of {}) starting {} (staging dir {})", launch.attempt(),
                launch.attempt().getAttemptId(), launch.maxAttempts(), launch.mainClass(), stagingDir);

        // Eager from the start: the executors are asked for within a second of registering, and a request waits
        // for the heartbeat that is sleeping when it is made (the allocator slows it down once nothing is wanted).
        YarnAllocator allocator = new YarnAllocator(new YarnAllocator.Settings(yarnConf, fs, stagingDir, staged,
                launch.secret(), launch.attempt().getAttemptId()), (rmCallbacks, nmCallbacks) ->
                new YarnAllocator.Clients(AMRMClientAsync.createAMRMClientAsync(YarnAllocator.EAGER_HEARTBEAT_MILLIS,
                        rmCallbacks), NMClientAsync.createNMClientAsync(nmCallbacks)));
        AMRMClientAsync<ContainerRequest> amrm = allocator.resourceManager();
        NMClientAsync nm = allocator.nodeManagers();
        nm.init(yarnConf);
        nm.start();
        Outcome outcome;
        try {
            outcome = runDriver(launch, fs, allocator, amrm);
        } catch (RuntimeException | IOException | Error e) {
            if (!launch.lastAttempt()) {
                throw e;
            }
            LOG.error("ApplicationMaster failed on the last attempt; ending the application", e);
            outcome = new Outcome(FinalApplicationStatus.FAILED, "The ApplicationMaster failed on its last attempt ("
                    + launch.attempt().getAttemptId() + " of " + launch.maxAttempts() + "): " + describe(e));
        }
        List<String> containerFailures = allocator.recentFailures();
        if (outcome.status() != FinalApplicationStatus.SUCCEEDED && !containerFailures.isEmpty()) {
            outcome = new Outcome(outcome.status(), outcome.diagnostics() + System.lineSeparator()
                    + "Executor container failures (most recent last):" + System.lineSeparator()
                    + String.join(System.lineSeparator(), containerFailures));
        }
        Driver.deleteCheckpoints(launch.conf().getOptional(SpindleConfig.CHECKPOINT_DIR).stream().toList(),
                launch.conf(), launch.applicationId());
        LOG.info("The application ended: {}{}", outcome.status(),
                outcome.diagnostics().isEmpty() ? "" : " (" + outcome.diagnostics().lines().findFirst().orElse("")
                        + ")");
        // Before unregistering: once unregistered, YARN may end this container at any moment.
        dev.spindle.io.ClassArchiveUpload.publishIfAsked("The ApplicationMaster");
        try {
            if (amrm.isInState(org.apache.hadoop.service.Service.STATE.STARTED)) {
                // The application's link leads to its history from now on, or to the ResourceManager's page.
                amrm.unregisterApplicationMaster(outcome.status(), outcome.diagnostics(),
                        TrackingUrls.afterEnd(launch.conf(), launch.applicationId()));
            }
        } finally {
            if (!launch.conf().get(SpindleConfig.YARN_PRESERVE_STAGING_FILES)) {
                try {
                    fs.delete(stagingDir, true);
                } catch (IOException e) {
                    LOG.warn("Could not delete the staging directory {}: {}", stagingDir, e.toString());
                }
            }
            nm.stop();
            amrm.stop();
        }
        return 0;
    }

    /** Registers, starts the driver and runs {@code main} on it; returns how the program ended. */
    private Outcome runDriver(AmLaunch launch, FileSystem fs, YarnAllocator allocator,
            AMRMClientAsync<ContainerRequest> amrm) throws IOException {
        SpindleConf driverConf = launch.conf().with(SpindleConfig.MASTER, "yarn");
        if (driverConf.getOptional(SpindleConfig.LOCAL_DIR).isEmpty()) {
            // The driver's files (the secret file among them) go under the container's directory, which YARN
            // deletes whatever way the attempt ends, rather than /tmp.
            driverConf = driverConf.with(SpindleConfig.LOCAL_DIR, workDir.resolve("spindle-local").toString());
        }
        if (!driverConf.contains(SpindleConfig.UI_PORT)) {
            // The node runs other containers, other AMs among them: any free port, which the tracking URL names.
            driverConf = driverConf.with(SpindleConfig.UI_PORT, "0");
        }
        String host = Driver.localHostName();
        RpcServer.BoundPort rpcPort = RpcServer.bind(host, 0);
        EventLogWriter eventLog = null;
        try (URLClassLoader loader = applicationLoader(launch.applicationJars())) {
            allocator.adopt(register(amrm, host, rpcPort.port()));
            allocator.requestEarly(driverConf);
            AttemptJournal journal = AttemptJournal.open(fs, launch);
            eventLog = journal.writer();
            JobProgress progress = new JobProgress();
            allocator.reportProgress(progress::progress);
            List<SchedulerListener> listeners = new ArrayList<>(List.of(progress));
            if (eventLog != null) {
                listeners.add(eventLog);
            }
            // Users reach the UI through the ResourceManager's proxy only, behind the cluster's authentication.
            List<Filter> uiFilters = driverConf.get(SpindleConfig.UI_ENABLED)
                    ? List.of(WebProxy.of(yarnConf, launch.applicationId()).filter()) : List.of();
            Driver driver = Driver.start(driverConf, loader, parts -> new ClusterBackend(parts.clusterServices(),
                    allocator.provisioner(parts.conf()), rpcPort), new Driver.Hosting(launch.applicationId(),
                    launch.attempt().getAttemptId(), listeners, journal.actions(), true, uiFilters, false));
            try {
                publishTrackingUrl(amrm, driver.uiUri());
                // Executors kept from an earlier attempt look for the driver here; started ones read argv.
                DriverEndpointFile.write(fs, new Path(launch.stagingDir(),
                        DriverEndpointFile.NAME), new DriverEndpointFile(host, rpcPort.port(),
                        launch.attempt().getAttemptId()));
                awaitReturningExecutors(allocator, driverConf);
                driver.listenerBus().post(new SchedulerEvent.ApplicationStarted(System.currentTimeMillis(),
                        launch.applicationId(), launch.attempt().getAttemptId(),
                        driverConf.get(SpindleConfig.APP_NAME), UserGroupInformation.getCurrentUser()
                                .getShortUserName(), driverConf.asMap(), RuntimeInfo.ofThisJvm()));
                Outcome outcome = runUserMain(DriverHost.of(driver, "the ApplicationMaster"), loader,
                        launch.mainClass(), launch.args());
                driver.listenerBus().post(new SchedulerEvent.ApplicationEnded(System.currentTimeMillis(),
                        outcome.status().name(), outcome.diagnostics()));
                // main ended: the application ends with it, whatever the status, so its checkpoints go.
                Driver.deleteCheckpoints(driver.checkpointRoots(), driverConf, launch.applicationId());
                return outcome;
            } finally {
                driver.close();
            }
        } finally {
            rpcPort.close();
            if (eventLog != null) {
                eventLog.close();
            }
        }
    }

    /**
     * Starts the ResourceManager client and registers with the driver's RPC address, and no tracking URL yet (see
     * {@link #publishTrackingUrl}); returns the executor containers that earlier attempts left running.
     */
    private List<Container> register(AMRMClientAsync<ContainerRequest> amrm, String host, int rpcPort) {
        amrm.init(yarnConf);
        amrm.start();
        try {
            var response = amrm.registerApplicationMaster(host, rpcPort, TrackingUrls.NONE);
            LOG.info("Registered with the ResourceManager as {}:{}; the largest container is {}", host, rpcPort,
                    response.getMaximumResourceCapability());
            return response.getContainersFromPreviousAttempts();
        } catch (YarnException | IOException e) {
            throw new IllegalStateException("cannot register the ApplicationMaster with the ResourceManager: " + e, e);
        }
    }

    /**
     * Points the application's link in the ResourceManager at the driver's UI, which starts after the registration
     * (the allocator, which the driver's backend uses at once, needs the registration first); the URL goes with the
     * next heartbeat, and until then the link leads to the ResourceManager's own page.
     */
    private static void publishTrackingUrl(AMRMClientAsync<ContainerRequest> amrm, Optional<URI> ui) {
        String url = TrackingUrls.live(ui);
        if (!url.equals(TrackingUrls.NONE)) {
            amrm.updateTrackingUrl(url);
            LOG.info("Tracking URL: the UI at {}, through the ResourceManager's proxy", url);
        }
    }

    /**
     * Gives the executors an earlier attempt left running the time to find this driver and register again, with
     * their shuffle output, before the program's first action; those that do not come back within {@code
     * spindle.recovery.executorReconnectTimeout} are released and replaced.
     */
    private static void awaitReturningExecutors(YarnAllocator allocator, SpindleConf conf) {
        long timeoutMillis = conf.get(SpindleConfig.RECOVERY_EXECUTOR_RECONNECT_TIMEOUT).toMillis();
        try {
            allocator.adoptedSettled().get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            allocator.releaseUnreturned("not back within spindle.recovery.executorReconnectTimeout=" + timeoutMillis
                    + "ms");
        } catch (ExecutionException e) {
            throw SpindleException.internal("waiting for the executors of an earlier attempt failed: %s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpindleException(ErrorCode.CANCELLED, "the ApplicationMaster was interrupted while waiting for "
                    + "the executors of an earlier attempt", e);
        }
    }

    private URLClassLoader applicationLoader(List<String> jars) throws IOException {
        List<URL> urls = new ArrayList<>();
        for (String jar : jars) {
            urls.add(workDir.resolve(jar).toUri().toURL());
        }
        return new URLClassLoader("spindle-app", urls.toArray(new URL[0]), ApplicationMaster.class.getClassLoader());
    }

    /** Runs {@code main} in a driver thread whose exits are trapped; returns how it ended. */
    private static Outcome runUserMain(DriverHost host, ClassLoader loader, String mainClass, List<String> args) {
        ThreadGroup userThreads = new ThreadGroup("spindle-user");
        // Completed by main's end, or by System.exit from any of the application's threads (the driver thread
        // may then still be running; the AM ends it when it exits).
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        ExitTrap trap = ExitTrap.install(userThreads, status -> outcome.complete(exitOutcome(status)));
        try {
            Thread driver = new Thread(userThreads, () -> {
                try {
                    host.run(() -> outcome.complete(invokeMain(loader, mainClass, args)));
                } catch (Exception e) {
                    outcome.complete(new Outcome(FinalApplicationStatus.FAILED, "the driver thread failed: " + e));
                }
            }, "spindle-driver");
            driver.setContextClassLoader(loader);
            driver.start();
            Outcome result = outcome.get();
            // After System.exit the driver thread unwinds (closing the user's Context); give it a moment.
            driver.join(DRIVER_UNWIND_MILLIS);
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(FinalApplicationStatus.FAILED, "the ApplicationMaster was interrupted");
        } catch (ExecutionException e) {
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
