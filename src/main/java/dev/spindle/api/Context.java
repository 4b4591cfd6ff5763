package dev.spindle.api;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import dev.spindle.driver.Driver;
import dev.spindle.driver.DriverHost;
import dev.spindle.io.AvroFileNode;
import dev.spindle.io.HadoopConfs;
import dev.spindle.io.TextFileNode;
import dev.spindle.plan.Node;
import dev.spindle.plan.NodeInfo;
import dev.spindle.plan.ParallelCollectionNode;
import dev.spindle.plan.RangeNode;
import dev.spindle.plan.UnionNode;
import dev.spindle.scheduler.spi.SchedulerListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

/**
 * The entry point of a Spindle program: creates datasets from files and collections, broadcast variables and
 * accumulators, and runs their jobs. One per application; close it when done (try-with-resources).
 *
 * <pre>{@code
 * try (Context ctx = new Context(SpindleConf.empty().with("spindle.master", "local[4]"))) {
 *     long n = ctx.textFile("hdfs:///logs").filter(l -> l.contains("ERROR")).count();
 * }
 * }</pre>
 */
public final class Context implements AutoCloseable {
    private final DriverHost.Lease lease;
    private final Driver driver;
    private final JobRunner jobs;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * A context configured by {@code conf}. Run by {@code spindle-submit} (or on YARN, in the ApplicationMaster),
     * {@code conf} goes over the submitted configuration and the driver comes from the submitting process;
     * elsewhere {@code conf} over the {@code spindle.*} JVM system properties configures a local driver
     * ({@code spindle.master} defaults to {@code local[*]}).
     */
    public Context(SpindleConf conf) {
        requireNonNull(conf, "conf is null");
        HadoopConfs.warmUpInBackground();
        ClassLoader contextLoader = Thread.currentThread().getContextClassLoader();
        if (contextLoader == null) {
            contextLoader = Context.class.getClassLoader();
        }
        Class<?> program = programClass(contextLoader);
        this.lease = DriverHost.leaseFor(conf, program != null && below(program.getClassLoader(), contextLoader)
                ? program.getClassLoader() : contextLoader);
        this.driver = lease.driver();
        String unreadable = program == null ? null : unreadableClassFile(program);
        if (unreadable != null && driver.clusterBackend().isPresent()) {
            SpindleException refused = SpindleException.invalidArgument(program.getName() + "'s class file is "
                    + unreadable + ", not in a file or jar that executor processes can read (`java Prog.java` "
                    + "compiles a program in memory like this): run it with spindle.master=local[N], or compile it "
                    + "into a jar and submit that");
            try {
                lease.close();
            } catch (RuntimeException e) {
                refused.addSuppressed(e);
            }
            throw refused;
        }
        this.jobs = new JobRunner(driver, lease.conf());
    }

    /**
     * The class of the program that makes this context: the nearest caller whose class loader sits below the thread's
     * context loader, else the nearest caller outside this class. {@code java Prog.java} compiles the program into a
     * loader of its own under the application loader and leaves the context loader as it was; the program's lambdas
     * can be read back only through the program's loader (which reaches Spindle through its parent), also when the
     * context is made through a library or a JDK method reference between the two.
     */
    private static Class<?> programClass(ClassLoader contextLoader) {
        List<Class<?>> callers = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.<Class<?>>map(StackWalker.StackFrame::getDeclaringClass)
                        .filter(c -> c != Context.class).toList());
        return callers.stream().filter(c -> below(c.getClassLoader(), contextLoader)).findFirst()
                .orElse(callers.isEmpty() ? null : callers.get(0));
    }

    /** Whether {@code ancestor} is a parent, grandparent... of {@code loader} (not {@code loader} itself). */
    private static boolean below(ClassLoader loader, ClassLoader ancestor) {
        for (ClassLoader above = loader == null ? null : loader.getParent(); above != null; above = above.getParent()) {
            if (above == ancestor) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where {@code type}'s class file is when its loader serves it from neither a file, a jar nor the JDK's runtime
     * image (a class compiled in memory, say); null otherwise, and when the loader does not say.
     */
    private static String unreadableClassFile(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        java.net.URL file = loader == null ? null : loader.getResource(type.getName().replace('.', '/') + ".class");
        return file == null || List.of("file", "jar", "jrt").contains(file.getProtocol()) ? null : file.toString();
    }

    /** A context configured as submitted ({@code spindle-submit}'s flags and {@code spindle-defaults.conf}). */
    public static Context create() {
        // Before SpindleConf's class starts the logging system, which the warm-up then overlaps; the
        // constructor starts it too, for contexts made from a configuration built by the caller.
        HadoopConfs.warmUpInBackground();
        return new Context(SpindleConf.empty());
    }

    /** A local-mode context with {@code threads} task threads, for tests and experiments. */
    public static Context local(int threads) {
        return new Context(SpindleConf.empty().with(SpindleConfig.MASTER, "local[" + threads + "]"));
    }

    /** The configuration in effect: the program's settings over the submitted ones. */
    public SpindleConf conf() {
        return lease.conf();
    }

    /** Partitions used when an operation names none: {@code spindle.default.parallelism}, else the total cores. */
    public int defaultParallelism() {
        return driver.defaultParallelism();
    }

    /** Lines of text files: a file, a directory, a glob, or several separated by commas, on any Hadoop FileSystem. */
    public Dataset<String> textFile(String path) {
        return textFile(path, Math.min(2, defaultParallelism()));
    }

    public Dataset<String> textFile(String path, int minPartitions) {
        requireNonNull(path, "path is null");
        SpindleException.checkArgument(minPartitions > 0, "minPartitions must be positive, got %d", minPartitions);
        return new Dataset<>(this, new TextFileNode(info("textFile"), path, minPartitions, conf()));
    }

    /** Records of Avro container files (paths as for {@link #textFile(String)}), split at sync markers. */
    public Dataset<GenericRecord> avroFile(String path) {
        requireNonNull(path, "path is null");
        return new Dataset<>(this, AvroFileNode.generic(info("avroFile"), path, Math.min(2, defaultParallelism()), conf()));
    }

    /** Records of Avro container files as instances of the Avro-generated class {@code recordClass}. */
    public <T extends SpecificRecord> Dataset<T> avroFile(String path, Class<T> recordClass) {
        requireNonNull(path, "path is null");
        requireNonNull(recordClass, "recordClass is null");
        return new Dataset<>(this, AvroFileNode.specific(info("avroFile"), path, Math.min(2, defaultParallelism()),
                conf(), recordClass));
    }

    /** The elements of {@code data}, cut into {@code numPartitions} slices that travel with the tasks. */
    public <T> Dataset<T> parallelize(List<T> data, int numPartitions) {
        requireNonNull(data, "data is null");
        return new Dataset<>(this, new ParallelCollectionNode<>(info("parallelize"), new ArrayList<>(data),
                numPartitions));
    }

    public <T> Dataset<T> parallelize(List<T> data) {
        return parallelize(data, defaultParallelism());
    }

    /** A pair dataset from a list of pairs. */
    public <K, V> PairDataset<K, V> parallelizePairs(List<dev.spindle.common.Pair<K, V>> data, int numPartitions) {
        return parallelize(data, numPartitions).mapToPair(p -> p);
    }

    /** The longs {@code start, start + step, ...} before {@code end}, generated on the executors. */
    public Dataset<Long> range(long start, long end, long step, int numPartitions) {
        return new Dataset<>(this, new RangeNode(info("range"), start, end, step, numPartitions));
    }

    public Dataset<Long> range(long start, long end) {
        return range(start, end, 1, defaultParallelism());
    }

    /** The partitions of all {@code datasets}, one after the other; no shuffle. */
    @SafeVarargs
    public final <T> Dataset<T> union(Dataset<T>... datasets) {
        SpindleException.checkArgument(datasets.length > 0, "union needs at least one dataset");
        List<Node<T>> nodes = new ArrayList<>();
        for (Dataset<T> d : datasets) {
            SpindleException.checkArgument(d.context() == this,
                    "union of datasets from different contexts; create all datasets from one Context");
            nodes.add(d.node());
        }
        return new Dataset<>(this, new UnionNode<>(info("union"), nodes));
    }

    /** Ships {@code value} to each executor once; read it in tasks with {@link Broadcast#value()}. */
    public <T> Broadcast<T> broadcast(T value) {
        requireNonNull(value, "broadcast value is null");
        byte[] bytes = driver.closures().serialize(value, "broadcast value of type " + value.getClass().getName());
        Broadcast<T> handle = new Broadcast<>(driver.broadcasts().register(bytes), value);
        driver.broadcastCreated(handle, handle.id());
        return handle;
    }

    /** Stops shipping {@code broadcast}; tasks that still read it fail. */
    public void destroy(Broadcast<?> broadcast) {
        driver.broadcasts().remove(broadcast.id());
        broadcast.markDestroyed();
    }

    /** A sum that tasks add to; each successful task's additions count once, even when tasks are retried. */
    public LongAccumulator longAccumulator(String name) {
        LongAccumulator acc = new LongAccumulator(driver.accumulators().newId(), name);
        driver.accumulators().register(acc);
        return acc;
    }

    public DoubleAccumulator doubleAccumulator(String name) {
        DoubleAccumulator acc = new DoubleAccumulator(driver.accumulators().newId(), name);
        driver.accumulators().register(acc);
        return acc;
    }

    /** Receives job, stage and task events (with task metrics) on the listener thread. */
    public void addListener(SchedulerListener listener) {
        driver.listenerBus().addListener(listener);
    }

    /** Running jobs and stages plus queued tasks: 0 when the context is idle. For tests and diagnostics. */
    public int activeSchedulerState() {
        return driver.activeSchedulerState();
    }

    NodeInfo info(String operation) {
        checkOpen();
        return new NodeInfo(driver.newNodeId(), operation, CallSites.current());
    }

    int newShuffleId() {
        return driver.newShuffleId();
    }

    Driver driver() {
        return driver;
    }

    /** The web UI's address ({@code http://host:port}), as Spark's {@code uiWebUrl}; empty when spindle.ui.enabled is false. */
    public Optional<String> uiWebUrl() {
        return Optional.ofNullable(driver.uiUri().map(java.net.URI::toString).orElse(null));
    }

    JobRunner jobs() {
        checkOpen();
        return jobs;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new SpindleException(ErrorCode.CANCELLED, "this Context is closed; create a new one");
        }
    }

    /** Cancels running jobs, stops the executors and deletes local shuffle and cache files. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            lease.close();
        }
    }
}
