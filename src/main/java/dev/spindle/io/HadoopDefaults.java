package dev.spindle.io;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.util.VersionInfo;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Hadoop's default configuration files as Spindle's jar carries them: the same properties, without their
 * descriptions.
 *
 * <p>Every {@code new Configuration()} parses {@code core-default.xml} and, once the MapReduce classes have loaded
 * (Hadoop's {@code ReflectionUtils} loads them whenever it makes a file system), {@code mapred-default.xml} and
 * {@code yarn-default.xml} again: 460 KB of XML, three quarters of it descriptions that the parser reads and drops.
 * Hadoop's own static initializers each make such a configuration, so a JVM that reads one file parses them five or
 * six times, enough to make the XML parser one of the largest things the JIT compiles in an executor. Spindle's jar
 * holds copies without the descriptions (and the comments) under the same names; on a class path where it comes
 * before Hadoop's jar, as in every JVM Spindle launches, Hadoop loads those: a third of the bytes, the same
 * properties, values, {@code final} flags and tags, which a test checks against the Hadoop jar the build uses.
 *
 * <p>The copies are made from one Hadoop version. Another version's defaults may differ, so a JVM whose Hadoop is
 * not that version and that still resolves the copies logs a warning naming both and the fix
 * ({@link #checkOnce()}); the jars meant to run with a cluster's own Hadoop (the {@code yarn} and
 * {@code shuffle-service} classifiers) leave the copies out.
 *
 * <p>{@link #main} writes the copies from the Hadoop jar on the class path: {@code mvn -B -q compile
 * dependency:build-classpath -Dmdep.outputFile=target/cp.txt && java -cp "target/classes:$(cat target/cp.txt)"
 * dev.spindle.io.HadoopDefaults src/main/resources}.
 */
public final class HadoopDefaults {
    /** The default resources of Hadoop's client jar that Spindle's jar carries compacted. */
    public static final List<String> RESOURCES = List.of("core-default.xml", "mapred-default.xml",
            "yarn-default.xml");
    /** Records the Hadoop version the copies were made from, key {@value #VERSION_KEY}. */
    public static final String SOURCE_FILE = "dev/spindle/io/hadoop-defaults.properties";
    static final String VERSION_KEY = "hadoop.version";

    private static final Logger LOG = LogManager.getLogger(HadoopDefaults.class);
    private static final Pattern DESCRIPTION = Pattern.compile("[ \\t]*<description>.*?</description>[ \\t]*",
            Pattern.DOTALL);
    private static final Pattern COMMENT = Pattern.compile("[ \\t]*<!--.*?-->[ \\t]*", Pattern.DOTALL);
    private static final Pattern BLANK_LINES = Pattern.compile("\\n(?:[ \\t]*\\n)+");
    private static final AtomicBoolean CHECKED = new AtomicBoolean();

    private HadoopDefaults() {
    }

    /**
     * The compact copy of {@code original}, the text of Hadoop {@code version}'s resource {@code name}: the first
     * comment (Apache's license) kept, a note of where the copy comes from after it, every other comment and every
     * {@code <description>} element dropped, and blank lines with them.
     */
    public static String compact(String name, String version, String original) {
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        requireNonNull(original, "original is null");
        String text = DESCRIPTION.matcher(original).replaceAll("");
        Matcher comments = COMMENT.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        boolean first = true;
        while (comments.find()) {
            String replacement = first ? comments.group() + "\n<!-- Hadoop " + version + "'s " + name
                    + " without its descriptions and comments (dev.spindle.io.HadoopDefaults); Hadoop's parser skips"
                    + " them. -->" : "";
            comments.appendReplacement(out, Matcher.quoteReplacement(replacement));
            first = false;
        }
        comments.appendTail(out);
        return BLANK_LINES.matcher(out).replaceAll("\n");
    }

    /** Where Hadoop's own copy of {@code name} is: in the jar (or directory) that holds {@link Configuration}. */
    public static URL hadoopOriginal(String name) throws IOException {
        URL home = Configuration.class.getProtectionDomain().getCodeSource().getLocation();
        for (URL url : Collections.list(Configuration.class.getClassLoader().getResources(name))) {
            if (isIn(url, home)) {
                return url;
            }
        }
        throw new IOException(name + " is not in " + home + ", the jar of Hadoop's Configuration class");
    }

    /**
     * The warning to log when this JVM resolves Spindle's copies ({@code resolved} is where {@code core-default.xml}
     * comes from) while running a Hadoop other than the one they were made from; empty when all is well.
     */
    static Optional<String> mismatch(String madeFrom, String running, URL resolved, URL hadoopHome) {
        if (madeFrom == null || resolved == null || isIn(resolved, hadoopHome) || madeFrom.equals(running)) {
            return Optional.empty();
        }
        return Optional.of("This JVM runs Hadoop " + running + " but reads Hadoop's default configuration from "
                + "Spindle's copy of Hadoop " + madeFrom + "'s (" + resolved + "), whose defaults may differ. Put the"
                + " Hadoop jars before Spindle's on the class path, or run Spindle with the Hadoop " + madeFrom
                + " client jars it was built with.");
    }

    /**
     * Logs, once per JVM, a warning if the copies stand in for another Hadoop version's defaults. Reads two small
     * resources; a JVM that cannot read them has no copies in force to warn about.
     */
    public static void checkOnce() {
        if (!CHECKED.compareAndSet(false, true)) {
            return;
        }
        ClassLoader loader = Configuration.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(SOURCE_FILE)) {
            if (in == null) {
                return;
            }
            Properties source = new Properties();
            source.load(in);
            mismatch(source.getProperty(VERSION_KEY), VersionInfo.getVersion(), loader.getResource(RESOURCES.get(0)),
                    Configuration.class.getProtectionDomain().getCodeSource().getLocation()).ifPresent(LOG::warn);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not compare the Hadoop default configuration's version with Hadoop's", e);
        }
    }

    /** Whether {@code resource} lies in {@code home}, a jar or a class directory on the class path. */
    static boolean isIn(URL resource, URL home) {
        if (home == null) {
            return false;
        }
        String location = home.toExternalForm();
        String url = resource.toExternalForm();
        return url.startsWith("jar:" + location + "!/") || (location.endsWith("/") && url.startsWith(location));
    }

    /** The compact copies of this class path's Hadoop, with the file that records its version, into {@code dir}. */
    public static void write(Path dir) throws IOException {
        String version = VersionInfo.getVersion();
        Files.createDirectories(dir);
        for (String name : RESOURCES) {
            Files.writeString(dir.resolve(name), compact(name, version, read(hadoopOriginal(name))),
                    StandardCharsets.UTF_8);
        }
        Path source = dir.resolve(SOURCE_FILE);
        Files.createDirectories(source.getParent());
        Files.writeString(source, sourceFileText(version), StandardCharsets.UTF_8);
    }

    /** The text of {@link #SOURCE_FILE} for copies made from Hadoop {@code version}. */
    public static String sourceFileText(String version) {
        return "# The Hadoop version whose default configuration files Spindle's jar carries compacted\n"
                + "# (dev.spindle.io.HadoopDefaults writes both).\n" + VERSION_KEY + "=" + version + "\n";
    }

    static String read(URL url) throws IOException {
        try (InputStream in = url.openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: HadoopDefaults RESOURCE_DIR (src/main/resources)");
            System.exit(2);
        }
        write(Path.of(args[0]));
    }
}
