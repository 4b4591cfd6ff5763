package dev.spindle.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What runs a workload: Spindle with its task threads in the driver JVM, the same Spindle programs in executor
 * processes ({@code local-cluster}), Apache Spark, or hand-written Java without a framework.
 */
public enum Engine {
    SPINDLE("spindle", "Spindle", "spindle-jobs"),
    SPINDLE_CLUSTER("spindle-cluster", "Spindle local-cluster", "spindle-jobs"),
    SPARK("spark", "Spark", "spark-jobs"),
    FLOOR("floor", "Java floor", null);

    /**
     * Heap of each spindle-cluster executor JVM, in MiB. A constant rather than a share of {@code --heap}: that
     * stays the driver's {@code -Xmx}, as on the other engines, and the executors come on top of it. 1536 MiB is
     * half again Spindle's default executor heap ({@code spindle.executor.memory=1g}); with 2 executors and the
     * default 4g driver a run takes about 7 GiB of heap in all.
     */
    static final int CLUSTER_EXECUTOR_HEAP_MB = 1536;

    /**
     * The module options Spark's own launcher passes on Java 17 (JavaModuleOptions): Spark and its Netty reach
     * into these JDK packages reflectively.
     */
    private static final List<String> SPARK_MODULE_OPTIONS = List.of(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "-Dio.netty.tryReflectionSetAccessible=true",
            "--enable-native-access=ALL-UNNAMED");

    private final String id;
    private final String title;
    private final String module;

    Engine(String id, String title, String module) {
        this.id = id;
        this.title = title;
        this.module = module;
    }

    /** The name on the command line and in output directory names. */
    public String id() {
        return id;
    }

    /** The name in the report. */
    public String title() {
        return title;
    }

    /** The bench module whose classes and resolved dependencies make this engine's classpath, if any. */
    Optional<String> module() {
        return Optional.ofNullable(module);
    }

    /**
     * The master of this engine's runs, none for the floor (plain Java). Spindle and Spark run {@code local[threads]};
     * spindle-cluster runs one executor JVM of one task thread per thread, so that it has the same task threads
     * and default partitioning (Spindle's default parallelism is the total executor cores), but every task runs
     * in an executor process reached over RPC and reads the other executors' shuffle blocks over the network.
     */
    Optional<String> master(int threads) {
        return switch (this) {
            case SPINDLE, SPARK -> Optional.of("local[" + threads + "]");
            case SPINDLE_CLUSTER -> Optional.of("local-cluster[" + threads + ",1," + CLUSTER_EXECUTOR_HEAP_MB + "]");
            case FLOOR -> Optional.empty();
        };
    }

    /**
     * JVM options of this engine's runs: its {@link #master}, set through the system properties each engine reads
     * ({@code spindle.*} by Context.create(), {@code spark.*} by SparkConf), no progress bars, and no Spark web UI
     * (Spindle has none).
     */
    List<String> jvmOptions(int threads, List<String> javaOptions) {
        List<String> options = new ArrayList<>();
        switch (this) {
            case SPINDLE, SPINDLE_CLUSTER -> {
                options.addAll(List.of(
                        "-Dspindle.master=" + master(threads).orElseThrow(),
                        "-Dspindle.app.name=spindle-bench",
                        "-Dspindle.output.overwrite=true",
                        "-Dspindle.ui.showConsoleProgress=false"));
                if (this == SPINDLE_CLUSTER && !javaOptions.isEmpty()) {
                    options.add("-Dspindle.executor.extraJavaOptions=" + String.join(" ", javaOptions));
                }
            }
            case SPARK -> {
                options.addAll(SPARK_MODULE_OPTIONS);
                options.addAll(List.of(
                        "-Dspark.master=" + master(threads).orElseThrow(),
                        "-Dspark.app.name=spindle-bench",
                        "-Dspark.ui.enabled=false",
                        "-Dspark.ui.showConsoleProgress=false",
                        "-Dspark.driver.host=127.0.0.1",
                        "-Dspark.driver.bindAddress=127.0.0.1"));
            }
            case FLOOR -> {
                // Plain Java: the thread count is a program argument.
            }
        }
        return options;
    }

    /**
     * Environment of this engine's runs: Spark on loopback only (it otherwise picks the first non-loopback
     * interface for its driver and block manager); nothing for the others.
     */
    Map<String, String> environment() {
        return this == SPARK ? Map.of("SPARK_LOCAL_IP", "127.0.0.1") : Map.of();
    }

    static Engine byId(String id) {
        for (Engine engine : values()) {
            if (engine.id.equals(id)) {
                return engine;
            }
        }
        throw new IllegalArgumentException("unknown engine '" + id + "'; expected one of " + ids());
    }

    static String ids() {
        StringBuilder ids = new StringBuilder();
        for (Engine engine : values()) {
            ids.append(ids.length() == 0 ? "" : ", ").append(engine.id);
        }
        return ids.toString();
    }
}
