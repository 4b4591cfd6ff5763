package dev.spindle.io;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.util.VersionInfo;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Hadoop's default configuration files as Spindle's jar carries them: the same properties, in the short form of
 * Hadoop's configuration format, without their descriptions.
 *
 * <p>Every {@code new Configuration()} parses {@code core-default.xml} and, once the MapReduce classes have loaded
 * (Hadoop's {@code ReflectionUtils} loads them whenever it makes a file system), {@code mapred-default.xml} and
 * {@code yarn-default.xml} again: 463 KB of XML, two thirds of it descriptions and comments that the parser reads
 * and drops.
 * Hadoop's own static initializers each make such a configuration, so a JVM that reads one file parses them five or
 * six times, enough to make the XML parser one of the largest things the JIT compiles in an executor. Spindle's jar
 * holds copies under the same names, each property one empty element with its name, value, {@code final} flag and
 * tag as attributes (Hadoop's parser reads both forms), and no descriptions or comments. On a class path where
 * Spindle's jar comes before Hadoop's, as in every JVM Spindle launches, Hadoop loads those: 110 KB instead of 463,
 * three XML events a property instead of twelve, and the same properties, values and {@code final} flags, which a
 * test checks against the Hadoop jar the build uses (and, for tags, which Hadoop's defaults do not use today,
 * against a resource of its own).
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
    private static final Pattern COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
    /** The JDK parser's switch that reports CDATA sections as such, which Hadoop's parser would not read as text. */
    private static final String REPORT_CDATA = "http://java.sun.com/xml/stream/properties/report-cdata-event";
    private static final AtomicBoolean CHECKED = new AtomicBoolean();

    private HadoopDefaults() {
    }

    /**
     * The compact copy of {@code original}, the text of Hadoop {@code version}'s resource {@code name}: its first
     * comment (Apache's license), a note of where the copy comes from, and each property in the short form Hadoop's
     * parser also reads, one empty element whose attributes are the name, value, {@code final} flag and tag. What
     * Hadoop's parser makes of the long form is kept exactly: the name trimmed, the value as written (a property
     * without a value, or with an empty one, has none), {@code final} only when it says {@code true}. Descriptions and
     * comments are dropped, and the parser meets three XML events a property instead of twelve.
     *
     * @throws IllegalArgumentException if {@code original} is not well-formed or uses what the copy cannot carry
     *     (a property's {@code <source>}, an {@code <include>} or {@code <fallback>}, a CDATA section)
     */
    public static String compact(String name, String version, String original) {
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        requireNonNull(original, "original is null");
        StringBuilder out = new StringBuilder(original.length() / 3).append("<?xml version=\"1.0\"?>\n");
        Matcher license = COMMENT.matcher(original);
        if (license.find()) {
            out.append(license.group()).append('\n');
        }
        out.append("<!-- Hadoop ").append(version).append("'s ").append(name).append(", each property in the short"
                + " form, without descriptions and comments (dev.spindle.io.HadoopDefaults). -->\n<configuration>\n");
        for (Property p : properties(name, original)) {
            out.append("<property name=\"").append(escaped(p.name())).append('"');
            if (p.value() != null) {
                out.append(" value=\"").append(escaped(p.value())).append('"');
            }
            if (p.isFinal()) {
                out.append(" final=\"true\"");
            }
            if (p.tag() != null) {
                out.append(" tag=\"").append(escaped(p.tag())).append('"');
            }
            out.append("/>\n");
        }
        return out.append("</configuration>\n").toString();
    }

    /** A property as Hadoop's parser reads it; a null value or tag is one the resource does not give. */
    private record Property(String name, String value, boolean isFinal, String tag) {
    }

    /** The properties of a resource in either form, read as {@code Configuration}'s parser reads them. */
    private static List<Property> properties(String name, String xml) {
        XMLStreamReader reader = null;
        try {
            XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
            factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
            factory.setProperty(REPORT_CDATA, true);
            reader = factory.createXMLStreamReader(new StringReader(xml));
            HadoopRules rules = new HadoopRules(name);
            while (reader.hasNext()) {
                switch (reader.next()) {
                    case XMLStreamConstants.START_ELEMENT -> rules.start(reader);
                    case XMLStreamConstants.CHARACTERS -> rules.characters(reader.getText());
                    case XMLStreamConstants.CDATA -> throw unsupported(name, "a CDATA section");
                    case XMLStreamConstants.END_ELEMENT -> rules.end(reader.getLocalName());
                    default -> {
                        // comments, processing instructions, the document's start and end
                    }
                }
            }
            return rules.properties;
        } catch (XMLStreamException e) {
            throw new IllegalArgumentException(name + " is not well-formed XML: " + e.getMessage(), e);
        } finally {
            closeQuietly(reader);
        }
    }

    /**
     * Hadoop's {@code Configuration.Parser}, event by event: one text buffer, emptied when a {@code <name>},
     * {@code <value>}, {@code <final>} or {@code <tag>} opens and filled by every text that follows, whatever element
     * it is in; an element's text is taken when it closes (a name trimmed; an empty name, value or tag taken as none).
     */
    private static final class HadoopRules {
        private final String resource;
        private final List<Property> properties = new ArrayList<>();
        private final StringBuilder token = new StringBuilder();
        private boolean collecting;
        private String name;
        private String value;
        private boolean isFinal;
        private String tag;

        HadoopRules(String resource) {
            this.resource = resource;
        }

        void start(XMLStreamReader reader) {
            switch (reader.getLocalName()) {
                case "property" -> {
                    name = reader.getAttributeValue(null, "name");
                    value = reader.getAttributeValue(null, "value");
                    isFinal = "true".equals(reader.getAttributeValue(null, "final"));
                    tag = reader.getAttributeValue(null, "tag");
                    if (reader.getAttributeValue(null, "source") != null) {
                        throw unsupported(resource, "a source attribute");
                    }
                }
                case "name", "value", "final", "tag" -> {
                    collecting = true;
                    token.setLength(0);
                }
                case "source", "include", "fallback" -> throw unsupported(resource, "<" + reader.getLocalName() + ">");
                default -> {
                    // <configuration>, <description> and unknown elements: Hadoop's parser ignores them.
                }
            }
        }

        void characters(String text) {
            if (collecting) {
                token.append(text);
            }
        }

        void end(String element) {
            String text = token.toString();
            switch (element) {
                case "name" -> name = text.isEmpty() ? name : text.trim();
                case "value" -> value = text.isEmpty() ? value : text;
                case "final" -> isFinal = "true".equals(text);
                case "tag" -> tag = text.isEmpty() ? tag : text;
                case "property" -> {
                    if (name != null) {
                        properties.add(new Property(name, value, isFinal, tag));
                    }
                }
                default -> {
                    // nothing to keep
                }
            }
        }
    }

    private static void closeQuietly(XMLStreamReader reader) {
        if (reader != null) {
            try {
                reader.close();
            } catch (XMLStreamException e) {
                // A reader over a string holds nothing to release.
            }
        }
    }

    private static IllegalArgumentException unsupported(String name, String what) {
        return new IllegalArgumentException(name + " uses " + what + ", which a compact copy cannot carry; keep "
                + "Hadoop's own " + name + " in force (leave it out of HadoopDefaults.RESOURCES)");
    }

    /**
     * {@code value} as an attribute value in double quotes. Line breaks and tabs become character references: an
     * XML parser turns them, written as they are, into spaces.
     */
    private static String escaped(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\n' -> out.append("&#10;");
                case '\r' -> out.append("&#13;");
                case '\t' -> out.append("&#9;");
                default -> out.append(c);
            }
        }
        return out.toString();
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
