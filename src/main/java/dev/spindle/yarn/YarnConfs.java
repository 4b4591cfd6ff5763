package dev.spindle.yarn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/** The Hadoop configuration as containers receive it, and the cluster's part of their class path. */
public final class YarnConfs {
    /**
     * Keys that name classes the containers may not have. MiniDFSCluster sets a topology mapping that lives only in a
     * tests jar; shipped, it kills the ApplicationMaster with ClassNotFoundException in the rack resolver.
     */
    static final List<String> NOT_SHIPPED = List.of("net.topology.node.switch.mapping.impl");

    private YarnConfs() {
    }

    /**
     * {@code conf} as a {@code core-site.xml} for the container directory (first on the class path), so that
     * {@code new Configuration()} in the AM and the executors sees the submitter's cluster settings.
     */
    public static byte[] forContainers(Configuration conf) throws IOException {
        Configuration copy = new Configuration(conf);
        NOT_SHIPPED.forEach(copy::unset);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        copy.writeXml(out);
        return out.toByteArray();
    }

    /** {@code yarn.application.classpath}: the cluster's Hadoop jars, after Spindle's own. */
    public static List<String> applicationClassPath(Configuration conf) {
        String[] entries = conf.getStrings(YarnConfiguration.YARN_APPLICATION_CLASSPATH,
                YarnConfiguration.DEFAULT_YARN_CROSS_PLATFORM_APPLICATION_CLASSPATH);
        return Arrays.stream(entries).map(String::strip).filter(e -> !e.isEmpty()).toList();
    }
}
