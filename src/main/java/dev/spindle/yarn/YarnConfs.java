package dev.spindle.yarn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * The Hadoop configuration as containers receive it, the cluster's part of their class path, and how their command
 * lines pass through YARN's launch script.
 */
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
     * {@code new Configuration()} in the AM and the executors sees the submitter's cluster settings. Only what
     * differs from Hadoop's defaults is written (the containers have the same default files, in the same jars): all
     * 1,600-odd properties made a 400 KB file that every container JVM parsed three times.
     */
    public static byte[] forContainers(Configuration conf) throws IOException {
        return settingsXml(conf, key -> !NOT_SHIPPED.contains(key));
    }

    /**
     * The settings of {@code conf} that differ from Hadoop's defaults, as a configuration file: what a client
     * configuration directory needs. A file that repeats every default hides which settings are the cluster's own
     * (Spindle then keeps the defaults it would otherwise improve on) and costs each client JVM the parsing of it.
     */
    public static byte[] settingsXml(Configuration conf) throws IOException {
        return settingsXml(conf, key -> true);
    }

    private static byte[] settingsXml(Configuration conf, java.util.function.Predicate<String> kept)
            throws IOException {
        Configuration copy = new Configuration(false);
        for (java.util.Map.Entry<String, String> property : conf) {
            String key = property.getKey();
            if (kept.test(key) && !onlyDefault(conf, key)) {
                copy.set(key, conf.getRaw(key));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        copy.writeXml(out);
        return out.toByteArray();
    }

    /** True when {@code key}'s value comes from Hadoop's default files alone. */
    static boolean onlyDefault(Configuration conf, String key) {
        String[] sources = conf.getPropertySources(key);
        return sources != null && sources.length > 0
                && Arrays.stream(sources).allMatch(source -> source.endsWith("-default.xml"));
    }

    /**
     * Shortens how long an HDFS client waits before asking again to close a file whose last block the NameNode has
     * not yet heard of from the DataNode: Hadoop's first wait is 400 ms, and half of the small files a submission
     * and its ApplicationMaster write (staged jar, configuration, event log) waited it in full. From 25 ms, doubling
     * over 10 retries, the total wait before giving up (25.6 s) is still above Hadoop's (12.4 s). Settings the
     * cluster's configuration makes are kept.
     */
    public static void shortenCloseWaits(Configuration conf) {
        setUnlessConfigured(conf, "dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "25");
        setUnlessConfigured(conf, "dfs.client.block.write.locateFollowingBlock.retries", "10");
    }

    private static void setUnlessConfigured(Configuration conf, String key, String value) {
        if (conf.getPropertySources(key) == null || onlyDefault(conf, key)) {
            conf.set(key, value, "Spindle: shorter HDFS close waits");
        }
    }

    /** {@code yarn.application.classpath}: the cluster's Hadoop jars, after Spindle's own. */
    public static List<String> applicationClassPath(Configuration conf) {
        String[] entries = conf.getStrings(YarnConfiguration.YARN_APPLICATION_CLASSPATH,
                YarnConfiguration.DEFAULT_YARN_CROSS_PLATFORM_APPLICATION_CLASSPATH);
        return Arrays.stream(entries).map(String::strip).filter(e -> !e.isEmpty()).toList();
    }

    /**
     * {@code argument} single-quoted for the bash script YARN launches a container with. The script cannot pass a
     * quote, backquote, backslash or {@code $} through: an argument holding one is refused, naming {@code setting},
     * where it came from.
     */
    public static String launchScriptQuoted(String argument, String setting) {
        if (argument.contains("'") || argument.contains("\"") || argument.contains("`") || argument.contains("\\")
                || argument.contains("$")) {
            throw new IllegalArgumentException("argument " + argument + " holds a quote, backslash or $, which YARN's "
                    + "launch script cannot pass through; remove it from " + setting);
        }
        return "'" + argument + "'";
    }
}
