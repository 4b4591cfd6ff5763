package dev.spindle.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What runs a workload: Spindle, Apache Spark, or hand-written Java without a framework. */
public enum Engine {
    SPINDLE("spindle", "Spindle", "spindle-jobs"),
    SPARK("spark", "Spark", "spark-jobs"),
    FLOOR("floor", "Java floor", null);

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
     * JVM options of this engine's runs: the same master ({@code local[threads]}) for both engines, set through
     * the system properties each engine reads ({@code spindle.*} by Context.create(), {@code spark.*} by
     * SparkConf), no progress bars, and no Spark web UI (Spindle has none).
     */
    List<String> jvmOptions(int threads) {
        String master = "local[" + threads + "]";
        List<String> options = new ArrayList<>();
        switch (this) {
            case SPINDLE -> options.addAll(List.of(
                    "-Dspindle.master=" + master,
                    "-Dspindle.app.name=spindle-bench",
                    "-Dspindle.output.overwrite=true",
                    "-Dspindle.ui.showConsoleProgress=false"));
            case SPARK -> {
                options.addAll(SPARK_MODULE_OPTIONS);
                options.addAll(List.of(
                        "-Dspark.master=" + master,
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
        throw new IllegalArgumentException("unknown engine '" + id + "'; expected one of spindle, spark, floor");
    }
}
