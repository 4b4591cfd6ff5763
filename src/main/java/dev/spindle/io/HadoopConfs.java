package dev.spindle.io;

import static java.util.Objects.requireNonNull;

import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.statistics.IOStatisticsContext;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Builds the Hadoop {@link Configuration} a driver or task uses: {@code new Configuration()} (the
 * {@code core-site.xml}/{@code hdfs-site.xml} on the classpath) plus every {@code spindle.hadoop.<key>}
 * entry of the Spindle configuration, with the prefix stripped.
 *
 * <p>A {@code Configuration} is not serializable; objects that travel to executors keep
 * {@link #overrides(Configuration)} (the entries that differ from the defaults) and rebuild it with
 * {@link #fromOverrides(Map)}.
 */
public final class HadoopConfs {
    /** Spindle keys with this prefix are copied into the Hadoop configuration without it. */
    public static final String PREFIX = SpindleConfig.HADOOP_PREFIX;
    private static final Logger LOG = LogManager.getLogger(HadoopConfs.class);

    /*
     * new Configuration() parses core-default.xml and the site files again on first use, a few milliseconds per
     * task and enough XML parsing to keep a JIT compiler busy; copies of one loaded configuration share the
     * parse. Hadoop reloads every live configuration, this one included, when a default resource is added
     * later (as HdfsConfiguration does when the HDFS client first loads), so copies never miss a site file.
     */
    private static Configuration base;
    private static final AtomicBoolean WARMING = new AtomicBoolean();
    /**
     * Classes whose static initializers add default resources: the HDFS client's (hdfs-default.xml, hdfs-site.xml and
     * their router-based federation twins) and MapReduce's {@code JobConf} (mapred-default.xml, yarn-default.xml and
     * their site files). Hadoop loads both in every JVM that opens a file: {@code FileSystem} instantiates each file
     * system it finds, the HDFS one included, and {@code ReflectionUtils} initializes {@code JobConf} whenever it
     * makes one.
     */
    private static final List<String> DEFAULT_RESOURCE_ADDERS = List.of("org.apache.hadoop.hdfs.HdfsConfiguration",
            "org.apache.hadoop.mapred.JobConf");
    private static volatile boolean lateDefaultsAdded;

    private HadoopConfs() {
    }

    /**
     * Starts, once per JVM, a daemon thread that does what the program's first file access would otherwise do on
     * its own thread: load the file system classes (and with them the HDFS client, which adds default resources
     * that make every loaded configuration parse again), parse the default and site resources, log the user in,
     * set up I/O statistics. Each of those parses the XML resources; together they take a quarter of a second of
     * one core, which the driver overlaps with its own start (logging and scheduler set-up). Measured with
     * class data sharing, interleaved: word count's first task starts 0.08 s sooner (median of 6); a program that
     * never touches a file pays for it, its first result 0.09 s later (median of 10, 0.49 -> 0.58 s), since on two
     * cores the start-up already keeps the JIT compilers busy. Most programs read or write files.
     *
     * <p>It creates no {@link FileSystem}: Hadoop caches instances with the configuration of their first caller,
     * which must stay the program's, {@code spindle.hadoop.*} entries included. A failure here is dropped; the
     * access that needs the same thing meets it again and reports it where it happens.
     */
    public static void warmUpInBackground() {
        if (WARMING.compareAndSet(false, true)) {
            Thread thread = new Thread(HadoopConfs::warmUp, "spindle-hadoop-warm-up");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private static void warmUp() {
        try {
            // The file system classes first, as a program's first file access loads them (they add the HDFS
            // client's resources); loadedBase() adds the rest before it loads the shared configuration.
            FileSystem.getFileSystemClass("file", new Configuration(false));
            loadedBase();
            UserGroupInformation.getCurrentUser(); // parses the resources for itself, as does the next line
            IOStatisticsContext.getCurrentIOStatisticsContext(); // what a file's first open stream asks
            HadoopDefaults.checkOnce();
        } catch (IOException | RuntimeException | LinkageError e) {
            // Reported by the program's own first access, with its context.
        }
    }

    /**
     * Adds, once per JVM and before the shared configuration of this class loads, the default resources that Hadoop
     * adds when its HDFS and MapReduce classes first load ({@link #DEFAULT_RESOURCE_ADDERS}). Added later, each new
     * default resource makes every live configuration drop what it parsed and parse all of its resources again on its
     * next read: in a local-cluster join, core-default.xml was parsed up to eight times in the driver and nine times
     * in each executor, three of them on the thread of the executor's first task (six times each with this). The set
     * of default resources is the same either way, only complete sooner. A class missing from the class path is
     * skipped: then Hadoop never adds its resources either.
     */
    private static void addLateDefaultResources() {
        if (lateDefaultsAdded) {
            return;
        }
        // Threads racing here are safe: the JVM initializes each class once, and the others wait for it.
        for (String adder : DEFAULT_RESOURCE_ADDERS) {
            try {
                Class.forName(adder, true, Configuration.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                // Not on this class path: nothing of it adds resources here.
            } catch (LinkageError e) {
                // Its static initializer failed: later uses report only "Could not initialize class", so say why
                // here; the program's own use of the class meets the failure where it happens.
                LOG.warn("Hadoop's {} could not be initialized: {}", adder, e.toString(), e);
            }
        }
        lateDefaultsAdded = true;
    }

    /** Equivalent to {@code new Configuration()}, without parsing the resources again. */
    public static Configuration fresh() {
        // Not copied under the loaded configuration's lock: the copy takes Hadoop's class-wide lock, which a thread
        // adding a default resource holds while it takes the lock of every live configuration, so the two threads
        // would deadlock. A reload in between leaves the copy unloaded, and it parses the resources itself.
        return new Configuration(loadedBase());
    }

    /** The configuration every copy starts from, its resources loaded (again, after a default resource was added). */
    private static Configuration loadedBase() {
        addLateDefaultResources();
        Configuration loaded;
        synchronized (HadoopConfs.class) {
            if (base == null) {
                base = new Configuration();
            }
            loaded = base;
        }
        loaded.size();
        return loaded;
    }

    /** A fresh Hadoop configuration with the {@code spindle.hadoop.*} entries of {@code conf} applied. */
    public static Configuration from(SpindleConf conf) {
        requireNonNull(conf, "conf is null");
        Configuration hadoop = fresh();
        for (Map.Entry<String, String> e : conf.asMap().entrySet()) {
            if (e.getKey().startsWith(PREFIX) && e.getKey().length() > PREFIX.length()) {
                hadoop.set(e.getKey().substring(PREFIX.length()), e.getValue());
            }
        }
        return hadoop;
    }

    /** A fresh Hadoop configuration with {@code overrides} (plain Hadoop keys) applied. */
    public static Configuration fromOverrides(Map<String, String> overrides) {
        requireNonNull(overrides, "overrides is null");
        Configuration hadoop = fresh();
        overrides.forEach(hadoop::set);
        return hadoop;
    }

    /**
     * The entries of {@code conf} whose raw value differs from (or is absent in) {@code new Configuration()}:
     * what must travel for {@link #fromOverrides} to rebuild an equivalent configuration elsewhere.
     */
    public static Map<String, String> overrides(Configuration conf) {
        requireNonNull(conf, "conf is null");
        Map<String, String> defaults = new HashMap<>();
        for (Map.Entry<String, String> e : fresh()) {
            defaults.put(e.getKey(), e.getValue());
        }
        Map<String, String> result = new HashMap<>();
        for (Map.Entry<String, String> e : conf) {
            if (!Objects.equals(defaults.get(e.getKey()), e.getValue())) {
                result.put(e.getKey(), e.getValue());
            }
        }
        return result;
    }
}
