package dev.spindle.driver;

import dev.spindle.cluster.ClusterBackend;
import dev.spindle.cluster.ExecutorCommand;
import dev.spindle.cluster.LocalClusterProvisioner;
import dev.spindle.common.ExecutorId;
import dev.spindle.common.SpindleException;
import dev.spindle.config.MasterSpec;
import dev.spindle.config.SpindleConfig;
import dev.spindle.executor.Executor;
import dev.spindle.executor.ExecutorServices;
import dev.spindle.rpc.RpcServer;
import dev.spindle.shuffle.LocalBlockFetcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The backends of the masters that need no cluster manager: {@code local[N]} and {@code local-cluster[E,C,MB]}. */
public final class LocalBackends {
    private LocalBackends() {
    }

    /** The backend factory for {@code master}; {@code yarn} is refused, as its driver lives in the AM. */
    public static BackendFactory forMaster(MasterSpec master) {
        return switch (master.kind()) {
            case LOCAL -> driver -> new LocalBackend(master.threads(), driver.host(),
                    sink -> localExecutor(driver, master.threads(), sink), driver.cacheLocations());
            case LOCAL_CLUSTER -> driver -> new ClusterBackend(driver.clusterServices(),
                    localClusterProvisioner(driver, master), RpcServer.bind(driver.host(), 0));
            case YARN -> throw SpindleException.invalidArgument("spindle.master=yarn: a YARN driver runs inside the "
                    + "ApplicationMaster, which this JVM is not; submit the application with bin/spindle-submit "
                    + "--master yarn (or yarn jar), or use local[N] or local-cluster[E,C,MB] here");
        };
    }

    private static Executor localExecutor(BackendContext driver, int cores,
            dev.spindle.executor.TaskStatusSink sink) {
        ExecutorServices services = ExecutorServices.assemble(new ExecutorServices.Wiring(ExecutorId.DRIVER,
                driver.host(), -1, cores, driver.conf(), driver.classLoader(), driver.closures()::deserialize,
                driver.serializer(), driver.localDir(), driver.tracker(),
                files -> new LocalBlockFetcher(files, ExecutorId.DRIVER), driver.broadcasts()::fetch, null,
                driver.commits()));
        return new Executor(services, sink);
    }

    /**
     * Log4j configuration locations (comma-separated) as executors, which run in directories of their own, must name
     * them: a location that is a file relative to this JVM's directory becomes absolute; a URI, an absolute path and
     * a class path resource stay as they are.
     */
    static String filesFromHere(String locations) {
        List<String> out = new ArrayList<>();
        for (String location : locations.split(",", -1)) {
            String trimmed = location.strip();
            boolean relativeFile = !trimmed.isEmpty() && !trimmed.matches("[A-Za-z][A-Za-z0-9+.-]+:.*")
                    && !Path.of(trimmed).isAbsolute() && Files.isRegularFile(Path.of(trimmed));
            out.add(relativeFile ? Path.of(trimmed).toAbsolutePath().normalize().toString() : location);
        }
        return String.join(",", out);
    }

    /** Executor JVMs on this machine, launched as YARN launches containers, talking to the driver over RPC. */
    private static LocalClusterProvisioner localClusterProvisioner(BackendContext driver, MasterSpec master) {
        String classPath = LocalClusterProvisioner.classPath(driver.classLoader());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Map<String, String> properties = new TreeMap<>();
        for (String key : new String[] {"log4j2.configurationFile", "log4j.configurationFile"}) {
            String value = System.getProperty(key);
            if (value != null) {
                properties.put(key, filesFromHere(value));
            }
        }
        String javaOptions = (sharedClassArchiveOption() + " " + SpindleConfig.executorJavaOptions(driver.conf()))
                .strip();
        int initial = driver.conf().get(SpindleConfig.DYNAMIC_ALLOCATION_ENABLED)
                ? SpindleConfig.initialExecutors(driver.conf()) : master.executors();
        return new LocalClusterProvisioner(master.executors(), initial, master.coresPerExecutor(),
                driver.localDir().resolve("executors"), launch -> new ExecutorCommand(java,
                        master.memoryMbPerExecutor(), classPath, javaOptions, properties, launch.driver().host(),
                        launch.driver().port(), launch.executorId(), driver.host(), master.coresPerExecutor(),
                        launch.driver().secretFile(), launch.driver().confFile(),
                        launch.dir().resolve("local").toString()));
    }

    /**
     * The class data sharing archive this JVM maps (bin/spindle-submit makes one), for executors on this machine:
     * their class path is this JVM's with the application's jars appended, which the archive accepts, and it holds
     * the executor's classes too (local runs load them in the driver). Saves most of an executor JVM's class loading.
     */
    private static String sharedClassArchiveOption() {
        for (String argument : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith("-XX:SharedArchiveFile=") && !argument.contains(" ")) {
                return argument;
            }
        }
        return "";
    }
}
