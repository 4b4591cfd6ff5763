package dev.spindle.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every configuration key Spindle reads, declared once with its type, default and doc. The
 * configuration reference ({@code docs/configuration.md}) is generated from this class by
 * {@link ConfigReference}; a test pins every default.
 */
public final class SpindleConfig {
    private static final Map<String, ConfigEntry<?>> ENTRIES = new LinkedHashMap<>();
    private static final String NOT_BLANK = "must not be empty; leave it unset for the default";

    // ---- application -------------------------------------------------------------------
    public static final ConfigEntry<String> MASTER = register(string("spindle.master", "local[*]",
            "Where executors come from: local[N], local[*], local[N,F] (F attempts per task), local-cluster[E,C,MB] or "
                    + "yarn.")
            .checkValue(v -> MasterSpec.parse(v) != null, "is not a master"));
    public static final ConfigEntry<String> APP_NAME = register(string("spindle.app.name", "spindle",
            "The application name shown in logs, the UI and YARN.")
            .checkValue(v -> !v.isBlank(), NOT_BLANK));
    public static final ConfigEntry<Integer> DEFAULT_PARALLELISM = register(integer("spindle.default.parallelism", null,
            "Partitions for parallelize and for shuffles that name no count. Unset: the total executor cores, at least 2.")
            .checkValue(v -> v > 0, "must be positive"));

    // ---- executors and driver ----------------------------------------------------------
    public static final ConfigEntry<Long> EXECUTOR_MEMORY = register(bytes("spindle.executor.memory", "1g",
            "Heap of each executor JVM.")
            .checkValue(v -> v >= 32L << 20, "is below the minimum 32m"));
    public static final ConfigEntry<Integer> EXECUTOR_CORES = register(integer("spindle.executor.cores", "1",
            "Task threads in each executor.")
            .checkValue(v -> v > 0, "must be positive"));
    public static final ConfigEntry<Integer> EXECUTOR_INSTANCES = register(integer("spindle.executor.instances", "2",
            "Executors requested from YARN (spindle-submit --num-executors).")
            .checkValue(v -> v > 0, "must be positive"));
    public static final ConfigEntry<Long> DRIVER_MEMORY = register(bytes("spindle.driver.memory", "1g",
            "Heap of the driver JVM.")
            .checkValue(v -> v >= 32L << 20, "is below the minimum 32m"));
    public static final ConfigEntry<Integer> DRIVER_CORES = register(integer("spindle.driver.cores", "1",
            "Virtual cores of the driver; on YARN, of the ApplicationMaster container.")
            .checkValue(v -> v > 0, "must be positive"));
    public static final ConfigEntry<Long> EXECUTOR_MEMORY_OVERHEAD = register(bytes("spindle.executor.memoryOverhead",
            null, "Memory beyond the heap that a YARN executor container is given (metaspace, threads, direct "
                    + "buffers). Unset: 10% of spindle.executor.memory, at least 384m.")
            .checkValue(v -> v >= 0, "must not be negative"));
    public static final ConfigEntry<Long> DRIVER_MEMORY_OVERHEAD = register(bytes("spindle.driver.memoryOverhead",
            null, "Memory beyond the heap that the YARN ApplicationMaster container is given. Unset: 10% of "
                    + "spindle.driver.memory, at least 384m.")
            .checkValue(v -> v >= 0, "must not be negative"));
    public static final ConfigEntry<Integer> EXECUTOR_MAX_FAILURES = register(integer("spindle.executor.maxFailures",
            null, "Executor containers or processes that may fail before the application gives up. Unset: twice "
                    + "the executor count, at least 3.")
            .checkValue(v -> v > 0, "must be positive"));
    public static final ConfigEntry<Long> DRIVER_MAX_RESULT_SIZE = register(bytes("spindle.driver.maxResultSize", "1g",
            "Total serialized bytes of task results one action may collect to the driver; 0 means unlimited.")
            .checkValue(v -> v >= 0, "must not be negative"));

    public static final ConfigEntry<Duration> EXECUTOR_HEARTBEAT_INTERVAL = register(duration(
            "spindle.executor.heartbeatInterval", "10s",
            "How often an executor process reports liveness and running-task metrics to the driver.")
            .checkValue(v -> v.toMillis() >= 10, "must be at least 10ms"));
    public static final ConfigEntry<Duration> NETWORK_TIMEOUT = register(duration("spindle.network.timeout", "120s",
            "An executor the driver has not heard from for this long is lost; an executor that cannot reach its "
                    + "driver for this long exits. Also the longest wait for one chunk of a block fetch.")
            .checkValue(v -> v.toMillis() >= 100, "must be at least 100ms"));
    public static final ConfigEntry<Boolean> EXECUTOR_REUSE_TASK_CODE = bool("spindle.executor.reuseTaskCode", "true",
            "Deserialize a stage's task code once per executor thread and reuse it for that thread's next tasks of the "
                    + "stage, when the driver finds that everything its closures capture is immutable (boxed "
                    + "primitives, strings, enums, records and lambdas of those, broadcast and accumulator handles). "
                    + "Code that captures a mutable object is deserialized for every task, so each task has its own "
                    + "copy, as in Spark. false deserializes for every task always.");
    /**
     * The C2 thresholds of {@link #EXECUTOR_DEFAULT_JAVA_OPTIONS}: three times HotSpot's (5,000 calls; 15,000 calls
     * and loop iterations together; 40,000 loop iterations). An executor JVM compiles the same framework code as every
     * other executor and the driver, on the cores its tasks need; with the JDK's thresholds its C2 thread was still
     * compiling per-task code (task launch, status reports) seconds into an application, and on 2 cores that
     * compiling was most of the CPU time of a stage of tiny tasks. Measured in local-cluster[2,1,1536] on 2 cores,
     * interleaved, medians of 5: the third stage of 10,000 tiny tasks 0.66 -> 0.50 s, word count 5.33 -> 5.01 s, sort
     * 6.16 -> 5.75 s; join unchanged.
     */
    public static final String DEFERRED_C2_OPTIONS = "-XX:Tier4InvocationThreshold=15000 "
            + "-XX:Tier4CompileThreshold=45000 -XX:Tier4BackEdgeThreshold=120000";
    public static final ConfigEntry<String> EXECUTOR_DEFAULT_JAVA_OPTIONS = register(string(
            "spindle.executor.defaultJavaOptions", DEFERRED_C2_OPTIONS,
            "JVM options of executor processes that come before spindle.executor.extraJavaOptions, separated by "
                    + "spaces (not -Xmx). The default lets HotSpot's optimizing compiler (C2) wait for three times "
                    + "as many calls and loop iterations as the JDK's defaults: code run per record still gets there "
                    + "within milliseconds, while code run once per task stays with the quick compiler (C1) for its "
                    + "first 15,000 runs instead of taking the executor's cores from its first tasks. Empty for the "
                    + "JDK's defaults; an option in spindle.executor.extraJavaOptions overrides the same one here.")
            .checkValue(v -> !v.matches(".*(^|\\s)-Xmx\\S*.*"), "sets -Xmx; set spindle.executor.memory instead"));
    public static final ConfigEntry<String> EXECUTOR_EXTRA_JAVA_OPTIONS = register(string(
            "spindle.executor.extraJavaOptions", "",
            "Extra JVM options of executor processes, separated by spaces (not -Xmx: use spindle.executor.memory). "
                    + "They come after spindle.executor.defaultJavaOptions, so the JVM takes these where both set "
                    + "the same option.")
            .checkValue(v -> !v.matches(".*(^|\\s)-Xmx\\S*.*"), "sets -Xmx; set spindle.executor.memory instead"));

    public static final ConfigEntry<String> DRIVER_DEFAULT_JAVA_OPTIONS = register(string(
            "spindle.driver.defaultJavaOptions", DEFERRED_C2_OPTIONS,
            "JVM options of the ApplicationMaster, whose JVM hosts the driver on YARN, that come before "
                    + "spindle.driver.extraJavaOptions (not -Xmx). The default is spindle.executor.defaultJavaOptions' "
                    + "and for the same reason: the driver's per-task code runs thousands of times in an "
                    + "application's first seconds, on the cores the executors need. Empty for the JDK's defaults. "
                    + "Elsewhere the driver's JVM is the one you start.")
            .checkValue(v -> !v.matches(".*(^|\\s)-Xmx\\S*.*"), "sets -Xmx; set spindle.driver.memory instead"));
    public static final ConfigEntry<String> DRIVER_EXTRA_JAVA_OPTIONS = register(string(
            "spindle.driver.extraJavaOptions", "",
            "Extra JVM options of the ApplicationMaster, whose JVM hosts the driver on YARN, separated by spaces (not "
                    + "-Xmx: use spindle.driver.memory); they come after spindle.driver.defaultJavaOptions. Elsewhere "
                    + "the driver's JVM is the one you start: give them to java, or to bin/spindle-submit in "
                    + "SPINDLE_SUBMIT_OPTS.")
            .checkValue(v -> !v.matches(".*(^|\\s)-Xmx\\S*.*"), "sets -Xmx; set spindle.driver.memory instead"));
    // ---- tasks and scheduling ----------------------------------------------------------
    public static final ConfigEntry<Integer> TASK_MAX_FAILURES = register(integer("spindle.task.maxFailures", "4",
            "Attempts of one task before its job fails. In local[N] a task is tried once unless this is set or the "
                    + "master is local[N,F], as in Spark.")
            .checkValue(v -> v > 0, "must be at least 1"));
    public static final ConfigEntry<Long> TASK_MAX_DIRECT_RESULT_SIZE = register(bytes(
            "spindle.task.maxDirectResultSize", "1m",
            "Task results up to this size travel inside the status message; larger ones are kept on the executor as "
                    + "a block that the driver fetches in chunks.")
            .checkValue(v -> v >= 0, "must not be negative"));
    public static final ConfigEntry<Duration> LOCALITY_WAIT = register(duration("spindle.locality.wait", "3s",
            "How long a task waits for a slot on a preferred host before it runs anywhere.")
            .checkValue(v -> v.compareTo(Duration.ofHours(1)) <= 0, "must be at most 1h (0 turns the wait off)"));

    public static final ConfigEntry<Duration> TASK_QUEUE_AHEAD = register(duration(
            "spindle.task.queueAhead.maxDuration", "2ms",
            "Executors in processes of their own (local-cluster, YARN) get up to 4 more tasks per core, queued "
                    + "ahead, while most finished tasks of the stage ran at most this long: a core starts its next "
                    + "short task as soon as it ends the last, instead of after a round trip to the driver. A queued "
                    + "task's launch time in the UI includes its wait. 0 turns queueing ahead off.")
            .checkValue(v -> v.compareTo(Duration.ofSeconds(10)) <= 0, "must be at most 10s (0 turns it off)"));

    // ---- memory ------------------------------------------------------------------------
    public static final ConfigEntry<Double> MEMORY_FRACTION = register(decimal("spindle.memory.fraction", "0.6",
            "Share of (heap - 300m) used for execution (shuffle buffers) and storage (cache) together.")
            .checkValue(v -> v > 0 && v < 1, "must be between 0 and 1 (exclusive)"));
    public static final ConfigEntry<Double> MEMORY_STORAGE_FRACTION = register(decimal("spindle.memory.storageFraction",
            "0.5", "Share of the unified memory that cached blocks keep even when execution needs memory.")
            .checkValue(v -> v >= 0 && v <= 1, "must be between 0 and 1"));
    public static final ConfigEntry<Long> MEMORY_SIZE = register(bytes("spindle.memory.size", "0",
            "Bytes of unified (execution + storage) memory per executor; 0 derives it from the heap and "
                    + "spindle.memory.fraction. Set it to bound memory explicitly, e.g. in tests.")
            .checkValue(v -> v >= 0, "must not be negative"));

    // ---- shuffle -----------------------------------------------------------------------
    public static final ConfigEntry<Long> SHUFFLE_FILE_BUFFER = register(bytes("spindle.shuffle.file.buffer", "64k",
            "Buffer of each shuffle and spill file stream.")
            .checkValue(v -> v >= 1024 && v <= 64L << 20, "must be between 1k and 64m"));
    public static final ConfigEntry<Long> REDUCER_MAX_BYTES_IN_FLIGHT = register(bytes(
            "spindle.reducer.maxBytesInFlight", "48m",
            "Map output bytes a reduce task fetches ahead from other executors at once.")
            .checkValue(v -> v >= 1024, "is below the minimum 1k"));
    public static final ConfigEntry<String> LOCAL_DIR = register(string("spindle.local.dir", null,
            "Directory for shuffle files, spills and disk-cached blocks. Unset: the JVM's temp directory "
                    + "(in YARN containers, the container's local dirs).")
            .checkValue(v -> !v.isBlank(), NOT_BLANK));
    public static final ConfigEntry<Boolean> SHUFFLE_SERVICE_ENABLED = bool("spindle.shuffle.service.enabled", "false",
            "On YARN: executors write map output where their NodeManager's shuffle service (the spindle_shuffle "
                    + "auxiliary service, see the README) serves it, also after they end; a released or lost executor "
                    + "then costs no map task while its node lives.");
    public static final ConfigEntry<Integer> SHUFFLE_SERVICE_PORT = register(integer("spindle.shuffle.service.port",
            "7447", "Port of the NodeManagers' shuffle service, when YARN does not tell containers (it does for "
                    + "services it runs).")
            .checkValue(v -> v > 0 && v <= 65535, "must be between 1 and 65535"));

    // ---- storage, checkpoints, files ---------------------------------------------------
    public static final ConfigEntry<String> CHECKPOINT_DIR = register(string("spindle.checkpoint.dir", null,
            "Directory on any Hadoop FileSystem where checkpoint() writes datasets. Required by checkpoint().")
            .checkValue(v -> !v.isBlank(), NOT_BLANK));
    public static final ConfigEntry<Boolean> OUTPUT_OVERWRITE = bool("spindle.output.overwrite", "false",
            "Replace an existing output directory instead of failing the save before any task runs: the old output is "
                    + "moved aside and deleted once the new one commits. Never allowed over the job's own input.");
    public static final ConfigEntry<Long> FILES_MAX_PARTITION_BYTES = register(bytes("spindle.files.maxPartitionBytes",
            "128m", "Largest input split of textFile and avroFile.")
            .checkValue(v -> v >= 1024, "is below the minimum 1k"));
    public static final ConfigEntry<Long> FILES_MAX_LINE_LENGTH = register(bytes("spindle.files.maxLineLength", "64m",
            "Longest line textFile reads from a plain text file; a longer one fails the task with the file and the "
                    + "offset, instead of running the executor out of memory.")
            .checkValue(v -> v >= 1 && v <= Integer.MAX_VALUE - 16, "must be between 1 byte and 2g"));

    // ---- event log and recovery --------------------------------------------------------
    public static final ConfigEntry<Boolean> EVENT_LOG_ENABLED = bool("spindle.eventLog.enabled", null,
            "Write the driver's event log (the application's history and the journal from which a restarted "
                    + "ApplicationMaster attempt resumes). Unset: on for master yarn, where recovery needs it, off "
                    + "in local modes.");
    public static final ConfigEntry<String> EVENT_LOG_DIR = register(string("spindle.eventLog.dir", null,
            "Directory on any Hadoop FileSystem that holds the event logs, one file per ApplicationMaster attempt: "
                    + "DIR/<appId>/attempt-<n>.avro. Unset: .spindle/events in the home directory of the user on the "
                    + "default file system (/user/<user>/.spindle/events on HDFS).")
            .checkValue(v -> !v.isBlank(), NOT_BLANK));
    public static final ConfigEntry<String> HISTORY_UI_ADDRESS = register(string("spindle.history.ui.address", null,
            "Address of the history server's web UI (host:port, or http://host:port or https://host:port). On YARN "
                    + "the ApplicationMaster gives the ResourceManager ADDRESS/history/<appId>/ as the final tracking "
                    + "URL when it unregisters, so the application's link leads to its history after it ends. Unset: "
                    + "the link leads to the ResourceManager's own page of the application.")
            .checkValue(v -> !v.isBlank() && !v.strip().contains(" "), "must be host:port or a URL without spaces"));
    public static final ConfigEntry<Long> RECOVERY_MAX_RESULT_BYTES = register(bytes("spindle.recovery.maxResultBytes",
            "64m", "Largest serialized action result written to the event log for replay; a larger result is not "
                    + "logged, and its action runs again after an ApplicationMaster restart.")
            .checkValue(v -> v >= 0, "must not be negative"));
    public static final ConfigEntry<Duration> RECOVERY_EXECUTOR_RECONNECT_TIMEOUT = register(duration(
            "spindle.recovery.executorReconnectTimeout", "120s",
            "How long an executor whose driver is gone waits for a new ApplicationMaster attempt before it exits.")
            .checkValue(v -> v.toMillis() >= 1_000 && v.compareTo(Duration.ofDays(1)) <= 0,
                    "must be between 1s and 1d"));

    // ---- dynamic allocation ----------------------------------------------------------------
    public static final ConfigEntry<Boolean> DYNAMIC_ALLOCATION_ENABLED = bool("spindle.dynamicAllocation.enabled",
            "false", "Grow and shrink the number of executors with the load (local-cluster and YARN): more when "
                    + "tasks wait, fewer when executors sit idle. Executors then range between minExecutors and "
                    + "maxExecutors instead of spindle.executor.instances.");
    public static final ConfigEntry<Integer> DYNAMIC_ALLOCATION_MIN_EXECUTORS = register(integer(
            "spindle.dynamicAllocation.minExecutors", "0", "Executors dynamic allocation never goes below.")
            .checkValue(v -> v >= 0, "must not be negative"));
    public static final ConfigEntry<Integer> DYNAMIC_ALLOCATION_MAX_EXECUTORS = register(integer(
            "spindle.dynamicAllocation.maxExecutors", null, "Executors dynamic allocation never goes above. Unset: "
                    + "no limit but what the cluster gives (local-cluster[E,...]: E). On YARN the target also rises no "
                    + "higher than the queue's headroom can hold.")
            .checkValue(v -> v > 0, "must be positive"));
    public static final ConfigEntry<Integer> DYNAMIC_ALLOCATION_INITIAL_EXECUTORS = register(integer(
            "spindle.dynamicAllocation.initialExecutors", null, "Executors asked for at start. Unset: "
                    + "minExecutors, or spindle.executor.instances (--num-executors) when that is set and larger.")
            .checkValue(v -> v >= 0, "must not be negative"));
    public static final ConfigEntry<Duration> DYNAMIC_ALLOCATION_BACKLOG_TIMEOUT = register(duration(
            "spindle.dynamicAllocation.schedulerBacklogTimeout", "1s", "How long tasks wait for a slot before more "
                    + "executors are asked for.")
            .checkValue(v -> v.toMillis() > 0, "must be positive"));
    public static final ConfigEntry<Duration> DYNAMIC_ALLOCATION_SUSTAINED_BACKLOG_TIMEOUT = register(duration(
            "spindle.dynamicAllocation.sustainedSchedulerBacklogTimeout", "1s", "While tasks keep waiting, how often "
                    + "the request grows again (by 1, 2, 4, ... executors).")
            .checkValue(v -> v.toMillis() > 0, "must be positive"));
    public static final ConfigEntry<Duration> DYNAMIC_ALLOCATION_EXECUTOR_IDLE_TIMEOUT = register(duration(
            "spindle.dynamicAllocation.executorIdleTimeout", "60s", "An executor that ran no task for this long is "
                    + "released (down to minExecutors).")
            .checkValue(v -> v.toMillis() > 0, "must be positive"));
    public static final ConfigEntry<Duration> DYNAMIC_ALLOCATION_CACHED_IDLE_TIMEOUT = register(duration(
            "spindle.dynamicAllocation.cachedExecutorIdleTimeout", null, "The idle timeout of an executor holding "
                    + "cached partitions. Unset: such executors are kept.")
            .checkValue(v -> v.toMillis() > 0, "must be positive"));
    public static final ConfigEntry<Double> DYNAMIC_ALLOCATION_RATIO = register(decimal(
            "spindle.dynamicAllocation.executorAllocationRatio", "1.0", "The share of the executors the waiting and "
                    + "running tasks could use that is asked for: 1.0 asks for one slot per task, 0.5 for half as "
                    + "many.")
            .checkValue(v -> v > 0 && v <= 1, "must be above 0 and at most 1"));
    public static final ConfigEntry<Boolean> DYNAMIC_ALLOCATION_SHUFFLE_TRACKING = bool(
            "spindle.dynamicAllocation.shuffleTracking.enabled", "true", "Keep an executor that holds shuffle output "
                    + "a later stage may still read (until no dataset can reach that shuffle any more), so that "
                    + "releasing it never forces map tasks to run again.");

    public static final ConfigEntry<Duration> CLEANER_PERIODIC_GC_INTERVAL = register(duration(
            "spindle.cleaner.periodicGC.interval", "30min", "How often the driver runs a garbage collection, so that "
                    + "the shuffles and broadcast values no dataset reaches any more are cleaned up even when its heap "
                    + "never fills.")
            .checkValue(v -> v.toSeconds() >= 1, "must be at least 1s"));
    public static final ConfigEntry<Long> CLEANER_GC_AFTER_SHUFFLE_BYTES = register(bytes(
            "spindle.cleaner.gcAfterShuffleBytes", "1g", "A driver whose tasks run in executor processes also runs a "
                    + "garbage collection when a job starts after the jobs since its last one wrote this much shuffle "
                    + "output, so that the executors delete the files of shuffles no dataset reaches any more (an "
                    + "iterative program's earlier rounds) before the next job writes its own; 0 turns it off. In "
                    + "local mode the tasks' own allocation makes the driver collect often enough.")
            .checkValue(v -> v >= 0, "must not be negative"));

    // ---- network ---------------------------------------------------------------------------
    public static final ConfigEntry<Long> RPC_MAX_FRAME_SIZE = register(bytes("spindle.rpc.maxFrameSize", "128m",
            "Largest RPC message between driver and executors; a bigger frame closes the connection. Task results "
                    + "above spindle.task.maxDirectResultSize travel as blocks instead.")
            .checkValue(v -> v >= 64 * 1024 && v <= 1L << 30, "must be between 64k and 1g"));
    public static final ConfigEntry<Duration> RPC_HANDSHAKE_TIMEOUT = register(duration("spindle.rpc.handshakeTimeout",
            "10s", "A connection that has not completed authentication with the application secret within this "
                    + "(the whole exchange, however slowly its bytes arrive) is closed.")
            .checkValue(v -> v.toMillis() >= 100 && v.toMillis() <= 600_000, "must be between 100ms and 10min"));
    public static final ConfigEntry<Duration> RPC_CONNECT_TIMEOUT = register(duration("spindle.rpc.connectTimeout",
            "30s", "How long a connection attempt to the driver or to another executor may take, including retries "
                    + "while that server is at spindle.rpc.maxUnauthenticatedConnections.")
            .checkValue(v -> v.toMillis() >= 100 && v.toMillis() <= 3_600_000, "must be between 100ms and 1h"));
    public static final ConfigEntry<Integer> RPC_MAX_UNAUTHENTICATED_CONNECTIONS = register(integer(
            "spindle.rpc.maxUnauthenticatedConnections", "64",
            "Connections an RPC or block server lets authenticate at once, each on its own thread for at most "
                    + "spindle.rpc.handshakeTimeout; further ones are closed at once, and Spindle's own clients "
                    + "retry them until spindle.rpc.connectTimeout.")
            .checkValue(v -> v >= 1 && v <= 10_000, "must be between 1 and 10000"));

    // ---- YARN ----------------------------------------------------------------------------
    public static final ConfigEntry<String> YARN_QUEUE = register(string("spindle.yarn.queue", "default",
            "The YARN queue the application is submitted to (spindle-submit --queue).")
            .checkValue(v -> !v.isBlank(), NOT_BLANK));
    public static final ConfigEntry<String> YARN_TAGS = register(string("spindle.yarn.tags", "",
            "Comma-separated YARN application tags.")
            .checkValue(v -> Arrays.stream(v.split(",")).allMatch(t -> t.strip().length() <= 100
                    && t.chars().allMatch(c -> c >= 32 && c < 127)),
                    "has a tag longer than 100 characters or not in ASCII, which YARN refuses"));
    public static final ConfigEntry<Integer> YARN_MAX_APP_ATTEMPTS = register(integer("spindle.yarn.maxAppAttempts",
            "2", "ApplicationMaster attempts YARN makes before the application fails; a later attempt resumes the "
                    + "program from the event log. Bounded by the cluster's yarn.resourcemanager.am.max-attempts. "
                    + "An exception thrown by the program's main ends the application without another attempt.")
            .checkValue(v -> v > 0, "must be positive"));
    public static final ConfigEntry<Duration> YARN_ATTEMPT_FAILURES_VALIDITY_INTERVAL = register(duration(
            "spindle.yarn.attemptFailuresValidityInterval", null,
            "Only AM failures within this window count against spindle.yarn.maxAppAttempts. Unset: all count.")
            .checkValue(v -> v.toMillis() >= 1_000, "must be at least 1s; leave it unset to count every failure"));
    public static final ConfigEntry<Boolean> YARN_WAIT_APP_COMPLETION = bool("spindle.yarn.submit.waitAppCompletion",
            "true", "spindle-submit waits for the application to finish and reports its final status; false returns "
                    + "right after submission.");
    public static final ConfigEntry<Duration> YARN_REPORT_INTERVAL = register(duration("spindle.yarn.report.interval",
            "1s", "How often spindle-submit polls the ResourceManager for the application's state.")
            .checkValue(v -> v.toMillis() >= 100 && v.compareTo(Duration.ofMinutes(10)) <= 0,
                    "must be between 100ms and 10min"));
    public static final ConfigEntry<Boolean> YARN_PRESERVE_STAGING_FILES = bool("spindle.yarn.preserveStagingFiles",
            "false", "Keep the application's HDFS staging directory after it ends (for debugging).");
    public static final ConfigEntry<String> YARN_ARCHIVE = register(string("spindle.yarn.archive", null,
            "A zip of Spindle's jars (at its top level) already on a Hadoop file system; used instead of uploading "
                    + "the local ones.")
            .checkValue(v -> !v.isBlank(), NOT_BLANK));
    public static final ConfigEntry<Boolean> YARN_CLASS_DATA_SHARING = bool("spindle.yarn.classDataSharing", "true",
            "Start the ApplicationMaster and executor JVMs from class data sharing archives of Spindle's classes: "
                    + "the first application of a Spindle build and JDK writes them next to Spindle's cached jars "
                    + "on the cluster file system (one executor and the ApplicationMaster each dump theirs as they "
                    + "stop), and later ones localize them like the jars, which saves each container JVM most of "
                    + "its class loading. Off when spindle.yarn.archive is set, and for a JVM whose extra Java "
                    + "options set class data sharing flags themselves.");
    public static final ConfigEntry<String> YARN_JAVA_HOME = register(string("spindle.yarn.javaHome", null,
            "JAVA_HOME of the ApplicationMaster and executor containers. Unset: the submitting JVM's java.home, "
                    + "which suits clusters whose nodes share one JDK layout.")
            .checkValue(v -> !v.isBlank(), NOT_BLANK));
    public static final ConfigEntry<String> JARS = string("spindle.jars", "",
            "Comma-separated local jars shipped with the application and put on the driver's and executors' "
                    + "class path (spindle-submit --jars).");
    public static final ConfigEntry<String> FILES = string("spindle.files", "",
            "Comma-separated local files shipped to the working directory of the driver and executors "
                    + "(spindle-submit --files).");

    // ---- UI ------------------------------------------------------------------------------
    public static final ConfigEntry<Boolean> CONSOLE_PROGRESS = bool("spindle.ui.showConsoleProgress", "true",
            "Draw a stage progress bar on stderr while stages run, when stderr is a terminal.");
    public static final ConfigEntry<Duration> CONSOLE_PROGRESS_INTERVAL = register(duration(
            "spindle.ui.consoleProgress.interval", "200ms", "How often the console progress bar is redrawn.")
            .checkValue(v -> v.toMillis() >= 10 && v.compareTo(Duration.ofMinutes(1)) <= 0,
                    "must be between 10ms and 1min"));
    public static final ConfigEntry<Boolean> UI_ENABLED = bool("spindle.ui.enabled", "true",
            "Serve the web UI and its REST API (/api/v1) from the driver. On YARN it is the application's tracking URL.");
    public static final ConfigEntry<Integer> UI_PORT = register(integer("spindle.ui.port", "4040",
            "Port of the web UI. When it is taken, the next ports are tried, up to spindle.ui.portMaxRetries of them; "
                    + "0 picks any free port.")
            .checkValue(v -> v >= 0 && v <= 65535, "must be between 0 and 65535"));
    public static final ConfigEntry<Integer> UI_PORT_MAX_RETRIES = register(integer("spindle.ui.portMaxRetries", "16",
            "How many ports above spindle.ui.port the web UI tries when the port is taken.")
            .checkValue(v -> v >= 0 && v <= 1000, "must be between 0 and 1000"));
    public static final ConfigEntry<Integer> UI_RETAINED_JOBS = register(integer("spindle.ui.retainedJobs", "1000",
            "Finished jobs the UI and REST API remember; older ones are forgotten first. Running jobs are always kept.")
            .checkValue(v -> v > 0, "must be positive"));
    public static final ConfigEntry<Integer> UI_RETAINED_STAGES = register(integer("spindle.ui.retainedStages", "1000",
            "Finished stage attempts the UI and REST API remember, with their tasks; older ones are forgotten first. "
                    + "Active stage attempts are always kept.")
            .checkValue(v -> v > 0, "must be positive"));
    public static final ConfigEntry<Integer> UI_RETAINED_TASKS = register(integer("spindle.ui.retainedTasks", "100000",
            "Task attempts the UI remembers per stage attempt; beyond it the oldest finished ones are dropped from the "
                    + "task table (the stage's totals still count them).")
            .checkValue(v -> v > 0, "must be positive"));
    public static final ConfigEntry<String> REDACTION_REGEX = register(string("spindle.redaction.regex",
            Redaction.DEFAULT_REGEX, "Settings whose key contains a match of this Java regular expression have their "
                    + "value hidden in the UI, the REST API, the event log and log lines.")
            .checkValue(Redaction::isValidRegex, "is not a valid regular expression"));

    // ---- history server ------------------------------------------------------------------
    public static final ConfigEntry<String> HISTORY_DIR = register(string("spindle.history.dir", null,
            "Where bin/spindle-history reads event logs, on any Hadoop FileSystem: the applications' "
                    + "spindle.eventLog.dir. Unset: the default event log directory of the user running the server.")
            .checkValue(v -> !v.isBlank(), "must not be blank"));
    public static final ConfigEntry<Integer> HISTORY_UI_PORT = register(integer("spindle.history.ui.port", "18080",
            "Port of the history server's web UI and REST API; 0 picks any free port.")
            .checkValue(v -> v >= 0 && v <= 65535, "must be between 0 and 65535"));
    public static final ConfigEntry<Duration> HISTORY_MAX_AGE = register(duration("spindle.history.maxAge", "7d",
            "The history server deletes the event logs of applications last written longer ago than this.")
            .checkValue(v -> v.toMinutes() >= 1, "must be at least 1min"));
    public static final ConfigEntry<Duration> HISTORY_CLEANER_INTERVAL = register(duration(
            "spindle.history.cleaner.interval", "1h", "How often the history server looks for event logs past "
                    + "spindle.history.maxAge.")
            .checkValue(v -> v.toSeconds() >= 1, "must be at least 1s"));
    public static final ConfigEntry<Integer> HISTORY_RETAINED_APPLICATIONS = register(integer(
            "spindle.history.retainedApplications", "50", "Applications whose pages the history server keeps in "
                    + "memory (rebuilt from their event logs, most recently viewed first); others are rebuilt on view.")
            .checkValue(v -> v > 0, "must be positive"));

    private SpindleConfig() {
    }

    /** All entries in declaration order. */
    public static List<ConfigEntry<?>> entries() {
        return Collections.unmodifiableList(new ArrayList<>(ENTRIES.values()));
    }

    public static Optional<ConfigEntry<?>> entry(String key) {
        return Optional.ofNullable(ENTRIES.get(key));
    }

    /**
     * Checks the settings that only make sense together, naming both and the fix: heartbeats must come more often
     * than the network timeout (or live executors are declared lost between two), and a result sent inside a
     * status message must fit in one RPC frame (or it never arrives).
     */
    public static void checkConsistency(SpindleConf conf) {
        java.time.Duration heartbeat = conf.get(EXECUTOR_HEARTBEAT_INTERVAL);
        java.time.Duration timeout = conf.get(NETWORK_TIMEOUT);
        if (heartbeat.compareTo(timeout) >= 0) {
            throw dev.spindle.common.SpindleException.invalidArgument("%s=%s must be below %s=%s, or executors are "
                    + "declared lost between two heartbeats; lower the interval or raise the timeout",
                    EXECUTOR_HEARTBEAT_INTERVAL.key(), conf.asMap().getOrDefault(EXECUTOR_HEARTBEAT_INTERVAL.key(),
                            EXECUTOR_HEARTBEAT_INTERVAL.defaultValue()), NETWORK_TIMEOUT.key(),
                    conf.asMap().getOrDefault(NETWORK_TIMEOUT.key(), NETWORK_TIMEOUT.defaultValue()));
        }
        int min = conf.get(DYNAMIC_ALLOCATION_MIN_EXECUTORS);
        java.util.Optional<Integer> max = conf.getOptional(DYNAMIC_ALLOCATION_MAX_EXECUTORS);
        if (max.isPresent() && max.get() < min) {
            throw dev.spindle.common.SpindleException.invalidArgument("%s=%d is below %s=%d; raise the maximum or "
                    + "lower the minimum", DYNAMIC_ALLOCATION_MAX_EXECUTORS.key(), max.get(),
                    DYNAMIC_ALLOCATION_MIN_EXECUTORS.key(), min);
        }
        java.util.Optional<Integer> initial = conf.getOptional(DYNAMIC_ALLOCATION_INITIAL_EXECUTORS);
        if (initial.isPresent() && (initial.get() < min || max.isPresent() && initial.get() > max.get())) {
            throw dev.spindle.common.SpindleException.invalidArgument("%s=%d must lie between %s=%d and %s=%s",
                    DYNAMIC_ALLOCATION_INITIAL_EXECUTORS.key(), initial.get(), DYNAMIC_ALLOCATION_MIN_EXECUTORS.key(),
                    min, DYNAMIC_ALLOCATION_MAX_EXECUTORS.key(), max.map(String::valueOf).orElse("<unset>"));
        }
        long direct = conf.get(TASK_MAX_DIRECT_RESULT_SIZE);
        long frame = conf.get(RPC_MAX_FRAME_SIZE);
        if (direct >= frame) {
            throw dev.spindle.common.SpindleException.invalidArgument("%s=%s must be below %s=%s: a result that size "
                    + "travels inside one status frame and would not fit; lower the direct result size (larger "
                    + "results then travel as blocks) or raise the frame size", TASK_MAX_DIRECT_RESULT_SIZE.key(),
                    conf.asMap().getOrDefault(TASK_MAX_DIRECT_RESULT_SIZE.key(),
                            TASK_MAX_DIRECT_RESULT_SIZE.defaultValue()), RPC_MAX_FRAME_SIZE.key(),
                    conf.asMap().getOrDefault(RPC_MAX_FRAME_SIZE.key(), RPC_MAX_FRAME_SIZE.defaultValue()));
        }
    }

    /**
     * The executors to start with: with dynamic allocation, {@code initialExecutors}, else the larger of
     * {@code minExecutors} and an explicitly set {@code spindle.executor.instances}; without it,
     * {@code spindle.executor.instances}.
     */
    public static int initialExecutors(SpindleConf conf) {
        if (!conf.get(DYNAMIC_ALLOCATION_ENABLED)) {
            return conf.get(EXECUTOR_INSTANCES);
        }
        int min = conf.get(DYNAMIC_ALLOCATION_MIN_EXECUTORS);
        return conf.getOptional(DYNAMIC_ALLOCATION_INITIAL_EXECUTORS).orElseGet(() -> Math.max(min,
                conf.asMap().containsKey(EXECUTOR_INSTANCES.key()) ? conf.get(EXECUTOR_INSTANCES) : 0));
    }

    /**
     * The JVM options of an executor process as {@code conf} gives them: {@code spindle.executor.defaultJavaOptions},
     * then {@code spindle.executor.extraJavaOptions} (the JVM takes the last of a repeated option).
     */
    public static String executorJavaOptions(SpindleConf conf) {
        return javaOptions(conf, EXECUTOR_DEFAULT_JAVA_OPTIONS, EXECUTOR_EXTRA_JAVA_OPTIONS);
    }

    /**
     * The JVM options of the ApplicationMaster as {@code conf} gives them: {@code spindle.driver.defaultJavaOptions},
     * then {@code spindle.driver.extraJavaOptions}.
     */
    public static String driverJavaOptions(SpindleConf conf) {
        return javaOptions(conf, DRIVER_DEFAULT_JAVA_OPTIONS, DRIVER_EXTRA_JAVA_OPTIONS);
    }

    private static String javaOptions(SpindleConf conf, ConfigEntry<String> defaults, ConfigEntry<String> extra) {
        return (conf.get(defaults).strip() + " " + conf.get(extra).strip()).strip();
    }

    /** Keys under this prefix are Hadoop settings passed through: {@code spindle.hadoop.fs.s3a.endpoint} and so on. */
    public static final String HADOOP_PREFIX = "spindle.hadoop.";

    /** True for a key that is neither declared here nor a Hadoop pass-through setting. */
    public static boolean isUnknown(String key) {
        return !ENTRIES.containsKey(key) && !(key.startsWith(HADOOP_PREFIX) && key.length() > HADOOP_PREFIX.length());
    }

    private static <T> ConfigEntry<T> register(ConfigEntry<T> entry) {
        ENTRIES.put(entry.key(), entry);
        return entry;
    }

    private static <T> ConfigEntry<T> entry(String key, String type, Function<String, T> parser, String dflt, String doc) {
        return register(new ConfigEntry<>(key, type, parser, dflt, doc, null, null));
    }

    private static ConfigEntry<String> string(String key, String dflt, String doc) {
        return entry(key, "string", s -> s, dflt, doc);
    }

    private static ConfigEntry<Integer> integer(String key, String dflt, String doc) {
        return entry(key, "integer", ConfigParsers::integer, dflt, doc);
    }

    private static ConfigEntry<Double> decimal(String key, String dflt, String doc) {
        return entry(key, "number", ConfigParsers::decimal, dflt, doc);
    }

    private static ConfigEntry<Long> bytes(String key, String dflt, String doc) {
        return entry(key, "byte size", ConfigParsers::bytes, dflt, doc);
    }

    private static ConfigEntry<Duration> duration(String key, String dflt, String doc) {
        return entry(key, "duration", ConfigParsers::duration, dflt, doc);
    }

    private static ConfigEntry<Boolean> bool(String key, String dflt, String doc) {
        return entry(key, "boolean", ConfigParsers::bool, dflt, doc);
    }
}
