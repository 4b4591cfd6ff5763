package dev.spindle.yarn.allocator;

import static java.util.Objects.requireNonNull;

import dev.spindle.cluster.ExecutorCommand;
import dev.spindle.cluster.ExecutorProvisioner;
import dev.spindle.common.ExecutorId;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import dev.spindle.io.DriverEndpointFile;
import dev.spindle.rpc.AppSecret;
import dev.spindle.executor.ExecutorMain;
import dev.spindle.yarn.ContainerClassArchives;
import dev.spindle.yarn.ContainerSizes;
import dev.spindle.yarn.StagedResources;
import dev.spindle.yarn.YarnConfs;
import dev.spindle.yarn.shuffle.ShuffleService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.DataOutputBuffer;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.security.AMRMTokenIdentifier;

/**
 * What an executor container starts with: its command, environment, localized files, credentials and the shuffle
 * service's data; and the driver's configuration staged for them. {@link YarnAllocator} decides which containers to
 * launch, this class how.
 */
final class ExecutorLaunches {
    private static final String EXECUTOR_LOCAL_DIR = "spindle-local";
    /** Where an executor's JVM options come from, for the error about one the launch script cannot carry. */
    private static final String JAVA_OPTIONS_SETTINGS = SpindleConfig.EXECUTOR_DEFAULT_JAVA_OPTIONS.key() + " or "
            + SpindleConfig.EXECUTOR_EXTRA_JAVA_OPTIONS.key();

    private static final org.apache.logging.log4j.Logger LOG =
            org.apache.logging.log4j.LogManager.getLogger(ExecutorLaunches.class);

    private final YarnAllocator.Settings settings;
    /** The executors' class data sharing plan, decided at the first launch; guarded by this. */
    private ContainerClassArchives.Plan sharing;

    ExecutorLaunches(YarnAllocator.Settings settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    /** Writes driver number {@code n}'s resolved configuration where its executors localize it. */
    LocalResource uploadExecutorConf(ExecutorProvisioner.DriverEndpoint endpoint, int n) {
        Path target = new Path(settings.stagingDir(), "executor-" + n + ".conf");
        try {
            settings.fs().copyFromLocalFile(false, true, new Path(java.nio.file.Path.of(endpoint.confFile()).toUri()),
                    target);
            return StagedResources.describe(settings.fs(), target, StagedResources.EXECUTOR_CONF,
                    StagedResources.Role.CONF, false).toLocalResource();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the executors' configuration at " + target, e);
        }
    }

    /** The launch context of executor {@code id} in {@code container}, for the driver at {@code endpoint}. */
    ContainerLaunchContext context(ExecutorId id, Container container, SpindleConf conf,
            ExecutorProvisioner.DriverEndpoint endpoint, LocalResource executorConf) {
        Map<String, String> properties = new TreeMap<>();
        properties.put("log4j2.configurationFile", StagedResources.inConfArchive(StagedResources.LOG4J_CONF));
        properties.put("yarn.app.container.log.dir", ApplicationConstants.LOG_DIR_EXPANSION_VAR);
        String javaHome = System.getenv(ApplicationConstants.Environment.JAVA_HOME.name());
        javaHome = conf.getOptional(SpindleConfig.YARN_JAVA_HOME).orElse(javaHome != null ? javaHome
                : System.getProperty("java.home"));
        String javaOptions = SpindleConfig.executorJavaOptions(conf);
        ContainerClassArchives.Plan archives = classArchivePlan(conf, javaHome, javaOptions);
        ExecutorCommand command = new ExecutorCommand(ApplicationConstants.Environment.JAVA_HOME.$$() + "/bin/java",
                (int) ContainerSizes.executorHeapMb(conf), "", archives.javaOptionsBefore(javaOptions),
                properties, endpoint.host(), endpoint.port(), id.id(),
                container.getNodeId().getHost(), conf.get(SpindleConfig.EXECUTOR_CORES), null,
                StagedResources.EXECUTOR_CONF, EXECUTOR_LOCAL_DIR);
        Map<String, LocalResource> resources = new HashMap<>(settings.staged().localResources());
        resources.put(StagedResources.EXECUTOR_CONF, executorConf);
        resources.putAll(archives.resources());
        Map<String, String> env = new HashMap<>(command.environment());
        env.putAll(archives.environment());
        // The application's jars: in the executor's own class loader, off the JVM's class path (see
        // ContainerClassArchives).
        env.put(ExecutorMain.USER_CLASS_PATH_ENV, String.join(ApplicationConstants.CLASS_PATH_SEPARATOR,
                settings.staged().applicationJars()));
        env.put(ExecutorCommand.DRIVER_ENDPOINT_FILE_ENV, settings.fs().makeQualified(
                new Path(settings.stagingDir(), DriverEndpointFile.NAME)).toString());
        env.put(ExecutorCommand.NM_WEB_SCHEME_ENV, YarnConfiguration.useHttps(settings.hadoopConf()) ? "https"
                : "http");
        env.put(ApplicationConstants.Environment.CLASSPATH.name(),
                settings.staged().classPath(YarnConfs.applicationClassPath(settings.hadoopConf())));
        env.put(ApplicationConstants.Environment.JAVA_HOME.name(), javaHome);
        // The NodeManager's shuffle service learns the application's secret from here (and refuses to start the
        // container when it does not run the service: a misconfigured cluster fails at once, naming it).
        Map<String, ByteBuffer> serviceData = conf.get(SpindleConfig.SHUFFLE_SERVICE_ENABLED)
                ? Map.of(ShuffleService.NAME, ByteBuffer.wrap(settings.secret().bytes())) : null;
        return ContainerLaunchContext.newInstance(resources, env, List.of(shellCommand(command.commandLine())),
                serviceData, executorTokens(), null);
    }

    /**
     * How the executors use class data sharing, decided at the first launch: every executor maps the archive when
     * there is one; when there is none, every executor starts able to write it, and the driver asks one of them to as
     * it stops (so that it is written even when some executors never get to register).
     */
    private synchronized ContainerClassArchives.Plan classArchivePlan(SpindleConf conf, String javaHome,
            String userOptions) {
        if (sharing == null) {
            try {
                sharing = ContainerClassArchives.plan(conf, settings.hadoopConf(), settings.staged(),
                        ContainerClassArchives.EXECUTOR, javaHome, userOptions, true);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Cannot look for the executors' class data sharing archive ({}); executors start without one",
                        e.toString());
                sharing = ContainerClassArchives.Plan.NONE;
            }
            if (sharing.writes()) {
                LOG.info("No class data sharing archive for executors yet: one executor writes {} as it stops, for "
                        + "later applications", sharing.environment().get(dev.spindle.io.ClassArchiveUpload.TARGET_ENV));
            }
        }
        return sharing;
    }

    /** True when the executors launched so far can write the class data sharing archive. */
    synchronized boolean startedArchiveWriters() {
        return sharing != null && sharing.writes();
    }

    /**
     * The command as YARN runs it ({@code bash -c "..."}): every argument but the java executable single-quoted,
     * output into the container's log directory.
     */
    static String shellCommand(List<String> commandLine) {
        StringBuilder shell = new StringBuilder(commandLine.get(0));
        for (String arg : commandLine.subList(1, commandLine.size())) {
            shell.append(' ').append(YarnConfs.launchScriptQuoted(arg, JAVA_OPTIONS_SETTINGS));
        }
        shell.append(" 1>").append(ApplicationConstants.LOG_DIR_EXPANSION_VAR).append("/stdout")
                .append(" 2>").append(ApplicationConstants.LOG_DIR_EXPANSION_VAR).append("/stderr");
        return shell.toString();
    }

    /** The AM's credentials (HDFS delegation tokens) without its AMRM token, plus the application secret. */
    private ByteBuffer executorTokens() {
        try {
            Credentials shipped = new Credentials();
            for (var token : UserGroupInformation.getCurrentUser().getCredentials().getAllTokens()) {
                if (!AMRMTokenIdentifier.KIND_NAME.equals(token.getKind())) {
                    shipped.addToken(token.getService(), token);
                }
            }
            shipped.addSecretKey(new Text(AppSecret.CREDENTIALS_ALIAS), settings.secret().bytes());
            DataOutputBuffer out = new DataOutputBuffer();
            shipped.writeTokenStorageToStream(out);
            return ByteBuffer.wrap(out.getData(), 0, out.getLength());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the executors' credentials", e);
        }
    }
}
