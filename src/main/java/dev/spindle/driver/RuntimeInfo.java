package dev.spindle.driver;

import dev.spindle.common.SpindleVersion;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.util.VersionInfo;

/** What the driver runs on, for the environment page and the REST API's {@code runtime}. */
public final class RuntimeInfo {
    private RuntimeInfo() {
    }

    /** This JVM's Java version and home, and the Spindle and Hadoop versions it runs. */
    public static Map<String, String> ofThisJvm() {
        Map<String, String> runtime = new TreeMap<>();
        runtime.put("javaVersion", Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor")
                + ")");
        runtime.put("javaHome", System.getProperty("java.home", ""));
        runtime.put("spindleVersion", SpindleVersion.current());
        runtime.put("hadoopVersion", VersionInfo.getVersion());
        return runtime;
    }
}
