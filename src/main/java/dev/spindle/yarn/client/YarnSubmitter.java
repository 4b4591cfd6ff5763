package dev.spindle.yarn.client;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import dev.spindle.rpc.AppSecret;
import dev.spindle.yarn.ContainerClassArchives;
import dev.spindle.yarn.ContainerSizes;
import dev.spindle.yarn.StagedResources;
import dev.spindle.yarn.StagedResources.Role;
import dev.spindle.yarn.YarnConfs;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.DataOutputBuffer;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.ApplicationSubmissionContext;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.QueueInfo;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.client.api.YarnClientApplication;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The YARN client of {@code spindle-submit --master yarn}: checks everything it can before anything is uploaded,
 * stages the application's files, submits an ApplicationMaster that hosts the driver, and follows it to the end.
 * Returns exit codes instead of exiting: 0 only when the application SUCCEEDED.
 */
public final class YarnSubmitter {
    public static final int EXIT_OK = 0;
    public static final int EXIT_APP_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final String APPLICATION_TYPE = "SPINDLE";
    public static final String AM_CLASS = "dev.spindle.yarn.am.ApplicationMaster";

    private static final Logger LOG = LogManager.getLogger(YarnSubmitter.class);
    private static final String PREFIX = "spindle-submit: ";
    private static final int PROGRESS_STEP_PERCENT = 10;
    private static final long CONNECT_MAX_WAIT_MILLIS = 60_000;

    /**
     * One application to submit.
     *
     * @param conf the resolved configuration (explicit keys), with {@code spindle.master=yarn}
     * @param jar the application jar, already checked to hold {@code mainClass}
     * @param spindleHome where Spindle's jars are (an installation or a built source checkout)
     * @param log4jConfig the Log4j 2 file for the containers, or null for Spindle's built-in one
     */
    public record Application(SpindleConf conf, java.nio.file.Path jar, String mainClass, List<String> args,
            java.nio.file.Path spindleHome, java.nio.file.Path log4jConfig) {
        public Application {
            requireNonNull(conf, "conf is null");
            requireNonNull(jar, "jar is null");
            requireNonNull(mainClass, "mainClass is null");
            args = List.copyOf(args);
        }

        Application withConf(SpindleConf resolved) {
            return new Application(resolved, jar, mainClass, args, spindleHome, log4jConfig);
        }
    }

    private final Configuration hadoopConf;
    private final PrintStream err;

    /**
     * @param hadoopConf the cluster's configuration ({@code HADOOP_CONF_DIR})
     * @param err where progress, the final status and errors are printed
     */
    public YarnSubmitter(Configuration hadoopConf, PrintStream err) {
        this.hadoopConf = new YarnConfiguration(requireNonNull(hadoopConf, "hadoopConf is null"));
        // Hadoop retries an unreachable ResourceManager for 15 minutes per call; a client should say so sooner.
        String[] sources = this.hadoopConf.getPropertySources(YarnConfiguration.RESOURCEMANAGER_CONNECT_MAX_WAIT_MS);
        if (sources == null || java.util.Arrays.stream(sources).allMatch(s -> s.contains("yarn-default.xml"))) {
            this.hadoopConf.setLong(YarnConfiguration.RESOURCEMANAGER_CONNECT_MAX_WAIT_MS, CONNECT_MAX_WAIT_MILLIS);
        }
        YarnConfs.shortenCloseWaits(this.hadoopConf);
        this.err = requireNonNull(err, "err is null");
    }

    /** Submits {@code app} and, unless {@code spindle.yarn.submit.waitAppCompletion=false}, waits for its end. */
    public int submit(Application requested) {
        // The AM learns from the staged configuration how many attempts it has, so that it knows its last.
        int attempts = maxAppAttempts(requested.conf(), hadoopConf);
        Application app = requested.withConf(requested.conf().with(SpindleConfig.YARN_MAX_APP_ATTEMPTS,
                Integer.toString(attempts)));
        SpindleConf conf = app.conf();
        List<java.nio.file.Path> extraJars;
        List<java.nio.file.Path> files;
        String archive;
        List<java.nio.file.Path> spindleJars;
        try {
            extraJars = localFiles(conf.get(SpindleConfig.JARS), "--jars (spindle.jars)");
            files = localFiles(conf.get(SpindleConfig.FILES), "--files (spindle.files)");
            archive = conf.getOptional(SpindleConfig.YARN_ARCHIVE).orElse(null);
            spindleJars = archive == null ? SpindleJars.locate(app.spindleHome()) : List.of();
        } catch (SpindleException e) {
            err.println(PREFIX + "error: " + e.getMessage());
            return EXIT_USAGE;
        }
        try (YarnClient yarn = startedClient()) {
            String queue = conf.get(SpindleConfig.YARN_QUEUE);
            checkQueue(yarn, queue);
            YarnClientApplication created = yarn.createApplication();
            Resource max = created.getNewApplicationResponse().getMaximumResourceCapability();
            Resource amResource = checkSizes(conf, max);
            ApplicationId appId = created.getNewApplicationResponse().getApplicationId();

            FileSystem fs = FileSystem.get(hadoopConf);
            Path base = new Path(fs.getHomeDirectory(), ".spindle");
            Path stagingDir = stagingDir(fs, appId);
            boolean submitted = false;
            try {
                DigestCache digests = DigestCache.defaultLocation();
                Stager stager = new Stager(fs, stagingDir, new Path(base, "cache"), digests);
                stager.createStagingDir();
                fs.deleteOnExit(stagingDir); // until submitted: a client stopped mid-upload leaves nothing
                StagedResources staged = stage(app, stager, fs, archive, spindleJars, extraJars, files);
                digests.save();
                err.printf("%sstaged the application in %s: uploaded %d files (%s), reused %d cached Spindle jars%n",
                        PREFIX, stagingDir, stager.uploaded(), megabytes(stager.uploadedBytes()), stager.reused());

                ApplicationSubmissionContext context = created.getApplicationSubmissionContext();
                context.setApplicationName(conf.get(SpindleConfig.APP_NAME));
                context.setQueue(queue);
                context.setApplicationType(APPLICATION_TYPE);
                Set<String> tags = tags(conf.get(SpindleConfig.YARN_TAGS));
                if (!tags.isEmpty()) {
                    context.setApplicationTags(tags);
                }
                context.setMaxAppAttempts(attempts);
                // A later attempt adopts the executors, which keep their shuffle output (see ApplicationMaster).
                context.setKeepContainersAcrossApplicationAttempts(true);
                conf.getOptional(SpindleConfig.YARN_ATTEMPT_FAILURES_VALIDITY_INTERVAL)
                        .ifPresent(d -> context.setAttemptFailuresValidityInterval(d.toMillis()));
                context.setResource(amResource);
                context.setAMContainerSpec(amContainer(conf, staged, stagingDir, fs));
                yarn.submitApplication(context);
                fs.cancelDeleteOnExit(stagingDir);
                submitted = true;
            } finally {
                if (!submitted) {
                    deleteQuietly(fs, stagingDir);
                }
            }
            err.println(PREFIX + "submitted application " + appId + " to queue " + queue);
            if (!conf.get(SpindleConfig.YARN_WAIT_APP_COMPLETION)) {
                return EXIT_OK;
            }
            int code = monitor(yarn, appId, conf.get(SpindleConfig.YARN_REPORT_INTERVAL));
            // The AM deletes it after unregistering, which the RM may report before the delete is done; an AM that
            // never ran (killed, failed to launch) cannot. Either way the client leaves nothing behind.
            if (!conf.get(SpindleConfig.YARN_PRESERVE_STAGING_FILES)) {
                deleteQuietly(fs, stagingDir);
            }
            return code;
        } catch (SpindleException e) {
            err.println(PREFIX + "error: " + e.getMessage());
            return EXIT_USAGE;
        } catch (IOException | YarnException | RuntimeException e) {
            // RuntimeException: the Hadoop clients report a bad cluster configuration that way.
            err.println(PREFIX + "error: talking to the YARN cluster failed: " + e);
            LOG.debug("YARN client failure", e);
            return EXIT_APP_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println(PREFIX + "interrupted while waiting for the application; it keeps running");
            return EXIT_APP_FAILED;
        }
    }

    /** Prints the report of application {@code id}; exit 0 if it exists. */
    public int status(String id) {
        try (YarnClient yarn = startedClient()) {
            ApplicationReport report = yarn.getApplicationReport(parseId(id));
            err.printf("%s%s (%s): state %s, final status %s, progress %.0f%%, queue %s, tracking URL %s%s%n", PREFIX,
                    report.getApplicationId(), report.getName(), report.getYarnApplicationState(),
                    report.getFinalApplicationStatus(), report.getProgress() * 100, report.getQueue(),
                    report.getTrackingUrl(), diagnostics(report));
            return EXIT_OK;
        } catch (SpindleException e) {
            err.println(PREFIX + "error: " + e.getMessage());
            return EXIT_USAGE;
        } catch (IOException | YarnException | RuntimeException e) {
            err.println(PREFIX + "error: cannot get the report of " + id + ": " + e);
            return EXIT_APP_FAILED;
        }
    }

    /** Kills application {@code id}. */
    public int kill(String id) {
        try (YarnClient yarn = startedClient()) {
            ApplicationId appId = parseId(id);
            yarn.killApplication(appId, "killed by spindle-submit --kill");
            // A killed ApplicationMaster cannot clean up after itself.
            FileSystem fs = FileSystem.get(hadoopConf);
            deleteQuietly(fs, stagingDir(fs, appId));
            err.println(PREFIX + "killed " + id);
            return EXIT_OK;
        } catch (SpindleException e) {
            err.println(PREFIX + "error: " + e.getMessage());
            return EXIT_USAGE;
        } catch (IOException | YarnException | RuntimeException e) {
            err.println(PREFIX + "error: cannot kill " + id + ": " + e);
            return EXIT_APP_FAILED;
        }
    }

    private YarnClient startedClient() {
        YarnClient yarn = YarnClient.createYarnClient();
        yarn.init(hadoopConf);
        yarn.start();
        return yarn;
    }

    /**
     * ApplicationMaster attempts: {@code spindle.yarn.maxAppAttempts} (default 2: a lost AM is retried and resumes
     * from the event log), never more than the ResourceManager's {@code yarn.resourcemanager.am.max-attempts},
     * which caps it anyway.
     */
    static int maxAppAttempts(SpindleConf conf, Configuration hadoopConf) {
        int clusterMax = hadoopConf.getInt(YarnConfiguration.RM_AM_MAX_ATTEMPTS,
                YarnConfiguration.DEFAULT_RM_AM_MAX_ATTEMPTS);
        return Math.max(1, Math.min(conf.get(SpindleConfig.YARN_MAX_APP_ATTEMPTS), clusterMax));
    }

    /** {@code /user/<user>/.spindle/staging/<appId>} on the default file system. */
    private static Path stagingDir(FileSystem fs, ApplicationId appId) {
        return new Path(new Path(new Path(fs.getHomeDirectory(), ".spindle"), "staging"), appId.toString());
    }

    private static ApplicationId parseId(String id) {
        try {
            return ApplicationId.fromString(id);
        } catch (IllegalArgumentException e) {
            throw SpindleException.invalidArgument("%s is not a YARN application id (application_<timestamp>_<n>)", id);
        }
    }

    private void checkQueue(YarnClient yarn, String queue) throws IOException {
        QueueInfo info;
        try {
            info = yarn.getQueueInfo(queue);
        } catch (YarnException e) {
            // Some schedulers answer an unknown queue with an error rather than nothing.
            info = null;
            LOG.debug("Queue lookup of {} failed", queue, e);
        }
        if (info == null) {
            List<String> known = new ArrayList<>();
            try {
                yarn.getAllQueues().forEach(q -> known.add(q.getQueueName()));
            } catch (YarnException e) {
                LOG.debug("Cannot list queues", e);
            }
            throw SpindleException.invalidArgument("queue '%s' does not exist in this YARN cluster (queues: %s); "
                    + "choose one with --queue (spindle.yarn.queue)", queue, known.isEmpty() ? "unknown" : known);
        }
    }

    /** Checks the AM and executor containers against the cluster's largest allocation; returns the AM's size. */
    static Resource checkSizes(SpindleConf conf, Resource max) {
        long executorMb = ContainerSizes.executorHeapMb(conf) + ContainerSizes.executorOverheadMb(conf);
        if (executorMb > max.getMemorySize()) {
            throw SpindleException.invalidArgument("executor memory %d MB + overhead %d MB = %d MB is above this "
                    + "cluster's maximum container memory of %d MB (yarn.scheduler.maximum-allocation-mb); lower "
                    + "--executor-memory (spindle.executor.memory) or spindle.executor.memoryOverhead",
                    ContainerSizes.executorHeapMb(conf), ContainerSizes.executorOverheadMb(conf), executorMb,
                    max.getMemorySize());
        }
        long driverMb = ContainerSizes.driverHeapMb(conf) + ContainerSizes.driverOverheadMb(conf);
        if (driverMb > max.getMemorySize()) {
            throw SpindleException.invalidArgument("driver memory %d MB + overhead %d MB = %d MB is above this "
                    + "cluster's maximum container memory of %d MB (yarn.scheduler.maximum-allocation-mb); lower "
                    + "--driver-memory (spindle.driver.memory) or spindle.driver.memoryOverhead",
                    ContainerSizes.driverHeapMb(conf), ContainerSizes.driverOverheadMb(conf), driverMb,
                    max.getMemorySize());
        }
        int executorCores = conf.get(SpindleConfig.EXECUTOR_CORES);
        if (executorCores > max.getVirtualCores()) {
            throw SpindleException.invalidArgument("--executor-cores %d (spindle.executor.cores) is above this "
                    + "cluster's maximum of %d vcores per container (yarn.scheduler.maximum-allocation-vcores)",
                    executorCores, max.getVirtualCores());
        }
        int driverCores = conf.get(SpindleConfig.DRIVER_CORES);
        if (driverCores > max.getVirtualCores()) {
            throw SpindleException.invalidArgument("--driver-cores %d (spindle.driver.cores) is above this "
                    + "cluster's maximum of %d vcores per container (yarn.scheduler.maximum-allocation-vcores)",
                    driverCores, max.getVirtualCores());
        }
        return Resource.newInstance(driverMb, driverCores);
    }

    private StagedResources stage(Application app, Stager stager, FileSystem fs, String archive,
            List<java.nio.file.Path> spindleJars, List<java.nio.file.Path> extraJars, List<java.nio.file.Path> files)
            throws IOException {
        List<StagedResources.Entry> entries = new ArrayList<>();
        if (archive != null) {
            Path raw = new Path(archive);
            Path archivePath = raw.getFileSystem(hadoopConf).makeQualified(raw);
            if (!archivePath.getFileSystem(hadoopConf).exists(archivePath)) {
                throw SpindleException.invalidArgument("spindle.yarn.archive %s does not exist", archive);
            }
            entries.add(StagedResources.describe(archivePath.getFileSystem(hadoopConf), archivePath,
                    StagedResources.LIB_ARCHIVE, Role.SPINDLE_ARCHIVE, true));
        }
        if (!spindleJars.isEmpty()) {
            StagedResources.Entry bundle = stager.bundle(spindleJars);
            if (SpindleJars.selfContainedJar().isPresent()) {
                // The yarn-jar jar takes Hadoop from the cluster's class path, which comes after directories on the
                // containers' class path: no class data sharing archive could be written (see
                // ContainerClassArchives). Without the list of jars, the containers go without one.
                bundle = new StagedResources.Entry(bundle.name(), bundle.role(), bundle.path(), bundle.size(),
                        bundle.timestamp(), bundle.shared());
            }
            entries.add(bundle);
        }
        entries.add(stager.stage(app.jar(), StagedResources.APP_JAR, Role.APP_JAR));
        for (java.nio.file.Path jar : extraJars) {
            entries.add(stager.stage(jar, jar.getFileName().toString(), Role.APP_JAR));
        }
        for (java.nio.file.Path file : files) {
            entries.add(stager.stage(file, file.getFileName().toString(), Role.FILE));
        }
        Map<String, byte[]> confFiles = new java.util.LinkedHashMap<>();
        java.nio.file.Path confFile = Files.createTempFile("spindle-conf", ".conf");
        try {
            app.conf().with(SpindleConfig.MASTER, "yarn").writeTo(confFile);
            confFiles.put(StagedResources.SPINDLE_CONF, Files.readAllBytes(confFile));
        } finally {
            Files.deleteIfExists(confFile);
        }
        confFiles.put(StagedResources.APP_ARGS, encodeArgs(app.mainClass(), app.args()));
        byte[] hadoopXml = YarnConfs.forContainers(hadoopConf);
        for (String name : StagedResources.HADOOP_CONF) {
            confFiles.put(name, hadoopXml);
        }
        confFiles.put(StagedResources.LOG4J_CONF, log4jConfig(app.log4jConfig()));
        StagedResources staged = new StagedResources(entries);
        confFiles.put(StagedResources.FILE_NAME, staged.toBytes());
        StagedResources.Entry archiveEntry = stager.stage(zip(confFiles), StagedResources.CONF_ARCHIVE_FILE,
                Role.CONF_ARCHIVE);
        return staged.with(new StagedResources.Entry(StagedResources.CONF_ARCHIVE, Role.CONF_ARCHIVE,
                archiveEntry.path(), archiveEntry.size(), archiveEntry.timestamp(), false));
    }

    private static byte[] zip(Map<String, byte[]> files) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                zip.putNextEntry(new java.util.zip.ZipEntry(file.getKey()));
                zip.write(file.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private ContainerLaunchContext amContainer(SpindleConf conf, StagedResources staged, Path stagingDir,
            FileSystem fs) throws IOException {
        Map<String, String> env = new HashMap<>();
        String javaHome = conf.getOptional(SpindleConfig.YARN_JAVA_HOME).orElse(System.getProperty("java.home"));
        env.put(ApplicationConstants.Environment.JAVA_HOME.name(), javaHome);
        env.put(StagedResources.STAGING_DIR_ENV, fs.makeQualified(stagingDir).toString());
        String javaOptions = SpindleConfig.driverJavaOptions(conf);
        ContainerClassArchives.Plan sharing = ContainerClassArchives.plan(conf, hadoopConf, staged,
                ContainerClassArchives.AM, javaHome, javaOptions, true);
        env.putAll(sharing.environment());
        env.put(ApplicationConstants.Environment.CLASSPATH.name(),
                staged.classPath(YarnConfs.applicationClassPath(hadoopConf)));
        Map<String, LocalResource> resources = new HashMap<>(staged.localResources());
        resources.putAll(sharing.resources());
        List<String> command = new ArrayList<>(List.of(ApplicationConstants.Environment.JAVA_HOME.$$() + "/bin/java",
                "-Xmx" + ContainerSizes.driverHeapMb(conf) + "m", "-XX:+ExitOnOutOfMemoryError"));
        command.addAll(sharing.javaOptions());
        if (!javaOptions.isBlank()) {
            for (String option : javaOptions.split("\\s+")) {
                try {
                    command.add(YarnConfs.launchScriptQuoted(option, SpindleConfig.DRIVER_DEFAULT_JAVA_OPTIONS.key()
                            + " or " + SpindleConfig.DRIVER_EXTRA_JAVA_OPTIONS.key()));
                } catch (IllegalArgumentException e) {
                    throw SpindleException.invalidArgument("%s", e.getMessage());
                }
            }
        }
        command.addAll(List.of(
                // Lets the AM trap System.exit in the user's main to report its status (Java 17-23).
                "-Djava.security.manager=allow",
                // Not configuration (that is the staged file): marks this JVM as one whose contexts must come
                // from the AM's driver, so that a Context made on a thread outside the program's gets a clear
                // error rather than a local driver inside the AM.
                "-D" + SpindleConfig.MASTER.key() + "=yarn",
                "-Dlog4j2.configurationFile=" + StagedResources.inConfArchive(StagedResources.LOG4J_CONF),
                "-Dyarn.app.container.log.dir=" + ApplicationConstants.LOG_DIR_EXPANSION_VAR,
                AM_CLASS,
                "1>" + ApplicationConstants.LOG_DIR_EXPANSION_VAR + "/stdout",
                "2>" + ApplicationConstants.LOG_DIR_EXPANSION_VAR + "/stderr"));
        Credentials credentials = new Credentials();
        credentials.addSecretKey(new Text(AppSecret.CREDENTIALS_ALIAS), AppSecret.generate().bytes());
        if (UserGroupInformation.isSecurityEnabled()) {
            String renewer = hadoopConf.get(YarnConfiguration.RM_PRINCIPAL);
            if (renewer == null || renewer.isBlank()) {
                throw SpindleException.invalidArgument("Hadoop security is on but %s is not set; the HDFS delegation "
                        + "tokens need the ResourceManager as renewer", YarnConfiguration.RM_PRINCIPAL);
            }
            fs.addDelegationTokens(renewer, credentials);
        }
        DataOutputBuffer tokens = new DataOutputBuffer();
        credentials.writeTokenStorageToStream(tokens);
        return ContainerLaunchContext.newInstance(resources, env, List.of(String.join(" ", command)),
                null, ByteBuffer.wrap(tokens.getData(), 0, tokens.getLength()), null);
    }

    private int monitor(YarnClient yarn, ApplicationId appId, Duration interval)
            throws IOException, YarnException, InterruptedException {
        YarnApplicationState last = null;
        String trackingUrl = null;
        int lastPercent = 0;
        while (true) {
            ApplicationReport report = yarn.getApplicationReport(appId);
            YarnApplicationState state = report.getYarnApplicationState();
            if (state != last) {
                err.println(PREFIX + appId + " is " + state);
                last = state;
            }
            String url = report.getTrackingUrl();
            if (url != null && !url.isBlank() && !url.equals(trackingUrl) && state == YarnApplicationState.RUNNING) {
                err.println(PREFIX + "tracking URL: " + url);
                trackingUrl = url;
            }
            int percent = Math.round(report.getProgress() * 100);
            if (state == YarnApplicationState.RUNNING && percent >= lastPercent + PROGRESS_STEP_PERCENT) {
                err.println(PREFIX + appId + " progress " + percent + "%");
                lastPercent = percent;
            }
            if (state == YarnApplicationState.FINISHED || state == YarnApplicationState.FAILED
                    || state == YarnApplicationState.KILLED) {
                FinalApplicationStatus status = report.getFinalApplicationStatus();
                err.println(PREFIX + appId + " final status " + status + diagnostics(report));
                return status == FinalApplicationStatus.SUCCEEDED ? EXIT_OK : EXIT_APP_FAILED;
            }
            Thread.sleep(interval.toMillis());
        }
    }

    private static String diagnostics(ApplicationReport report) {
        String diagnostics = report.getDiagnostics();
        return diagnostics == null || diagnostics.isBlank() ? "" : System.lineSeparator() + "diagnostics: "
                + diagnostics.strip();
    }

    /** The main class and arguments, one per line, each argument Base64-encoded (any character survives). */
    static byte[] encodeArgs(String mainClass, List<String> args) {
        StringBuilder text = new StringBuilder(mainClass).append('\n');
        for (String arg : args) {
            text.append(Base64.getEncoder().encodeToString(arg.getBytes(StandardCharsets.UTF_8))).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] log4jConfig(java.nio.file.Path file) throws IOException {
        if (file != null && Files.isRegularFile(file)) {
            return Files.readAllBytes(file);
        }
        try (InputStream in = YarnSubmitter.class.getResourceAsStream("/dev/spindle/yarn/container-log4j2.properties")) {
            if (in == null) {
                throw new IOException("the built-in container Log4j 2 configuration is missing from Spindle's jar");
            }
            return in.readAllBytes();
        }
    }

    private static List<java.nio.file.Path> localFiles(String list, String what) {
        List<java.nio.file.Path> paths = new ArrayList<>();
        for (String item : list.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            java.nio.file.Path path = java.nio.file.Path.of(item.strip());
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw SpindleException.invalidArgument("%s: %s is not a readable file", what, path.toAbsolutePath());
            }
            paths.add(path);
        }
        return paths;
    }

    private static Set<String> tags(String list) {
        Set<String> tags = new LinkedHashSet<>();
        Arrays.stream(list.split(",")).map(String::strip).filter(t -> !t.isEmpty()).forEach(tags::add);
        return tags;
    }

    private static String megabytes(long bytes) {
        return String.format("%.1f MB", bytes / 1e6);
    }

    private static void deleteQuietly(FileSystem fs, Path dir) {
        try {
            fs.delete(dir, true);
        } catch (IOException e) {
            LOG.warn("Could not delete the staging directory {}: {}", dir, e.toString());
        }
    }

    /** Loads the cluster configuration from {@code HADOOP_CONF_DIR} / {@code YARN_CONF_DIR}. */
    public static Configuration clusterConf(Map<String, String> env) {
        List<java.nio.file.Path> dirs = new ArrayList<>();
        for (String variable : new String[] {"HADOOP_CONF_DIR", "YARN_CONF_DIR"}) {
            String dir = env.get(variable);
            if (dir != null && !dir.isBlank()) {
                java.nio.file.Path path = java.nio.file.Path.of(dir);
                if (!Files.isDirectory(path)) {
                    throw SpindleException.invalidArgument("%s=%s is not a directory; point it at the cluster's "
                            + "configuration (core-site.xml, yarn-site.xml)", variable, dir);
                }
                dirs.add(path);
            }
        }
        if (dirs.isEmpty()) {
            // Under "yarn jar" (RunJar) the cluster's configuration directory is on the class path instead.
            if (YarnSubmitter.class.getClassLoader().getResource("yarn-site.xml") != null) {
                return new YarnConfiguration();
            }
            throw SpindleException.invalidArgument("--master yarn needs HADOOP_CONF_DIR (or YARN_CONF_DIR) set to the "
                    + "directory holding the cluster's core-site.xml and yarn-site.xml");
        }
        Configuration conf = new Configuration();
        for (java.nio.file.Path dir : dirs) {
            for (String name : new String[] {"core-site.xml", "hdfs-site.xml", "yarn-site.xml"}) {
                java.nio.file.Path file = dir.resolve(name);
                if (Files.isRegularFile(file)) {
                    conf.addResource(new Path(file.toUri()));
                }
            }
        }
        return new YarnConfiguration(conf);
    }
}
