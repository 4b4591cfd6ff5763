package dev.spindle.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.util.VersionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;

class HadoopDefaultsTest {
    static final String REGENERATE = "mvn -B -q compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt"
            + " && java -cp \"target/classes:$(cat target/cp.txt)\" dev.spindle.io.HadoopDefaults src/main/resources";
    static final java.util.List<String> RESOURCES = HadoopDefaults.RESOURCES;

    /** What Hadoop's parser makes of a resource: every property's raw value, the final ones, each tag's keys. */
    private record Parsed(Map<String, String> values, Set<String> finals, Map<String, Set<String>> tagged) {
    }

    private static Parsed parse(URL resource, Set<String> tags) {
        Configuration conf = new Configuration(false);
        conf.addResource(resource);
        Map<String, String> values = new TreeMap<>();
        for (Map.Entry<String, String> e : conf) {
            values.put(e.getKey(), e.getValue());
        }
        Map<String, Set<String>> tagged = new TreeMap<>();
        for (String tag : tags) {
            tagged.put(tag, new TreeSet<>(conf.getAllPropertiesByTag(tag).stringPropertyNames()));
        }
        return new Parsed(values, new TreeSet<>(conf.getFinalParameters()), tagged);
    }

    private static Set<String> tags(String xml) {
        Set<String> tags = new TreeSet<>();
        Matcher m = Pattern.compile("<tag>([^<]*)</tag>").matcher(xml);
        while (m.find()) {
            for (String tag : m.group(1).split(",")) {
                tags.add(tag.trim());
            }
        }
        return tags;
    }

    private static URL spindleCopy(String name) throws IOException {
        Path file = Path.of(System.getProperty("basedir", "."), "target", "classes", name);
        assertThat(file).as("the build copies src/main/resources/" + name + " to " + file).exists();
        return file.toUri().toURL();
    }

    @ParameterizedTest
    @FieldSource("RESOURCES")
    void theCopyHoldsHadoopsPropertiesValuesFinalFlagsAndTags(String name) throws IOException {
        URL original = HadoopDefaults.hadoopOriginal(name);
        URL copy = spindleCopy(name);
        Set<String> tags = tags(HadoopDefaults.read(original));

        Parsed expected = parse(original, tags);
        Parsed actual = parse(copy, tags);

        assertThat(expected.values()).as("properties Hadoop reads from its own " + name).hasSizeGreaterThan(100);
        assertThat(actual.values()).isEqualTo(expected.values());
        assertThat(actual.finals()).isEqualTo(expected.finals());
        assertThat(actual.tagged()).isEqualTo(expected.tagged());
        assertThat(HadoopDefaults.read(copy)).doesNotContain("<description>", "<name>", "<value>")
                .hasSizeLessThan(HadoopDefaults.read(original).length() / 3);
    }

    @ParameterizedTest
    @FieldSource("RESOURCES")
    void theCommittedCopyIsWhatTheBuildsHadoopMakes(String name) throws IOException {
        Path committed = Path.of(System.getProperty("basedir", "."), "src", "main", "resources", name);
        assertThat(committed).as(committed + " is missing; generate it with: " + REGENERATE).exists();
        assertThat(Files.readString(committed, StandardCharsets.UTF_8))
                .as(committed + " was not made from this build's Hadoop " + VersionInfo.getVersion()
                        + "; regenerate with: " + REGENERATE)
                .isEqualTo(HadoopDefaults.compact(name, VersionInfo.getVersion(),
                        HadoopDefaults.read(HadoopDefaults.hadoopOriginal(name))));
    }

    @Test
    void theRecordedVersionIsTheBuildsHadoop() throws IOException {
        Path committed = Path.of(System.getProperty("basedir", "."), "src", "main", "resources",
                HadoopDefaults.SOURCE_FILE);
        assertThat(Files.readString(committed, StandardCharsets.UTF_8))
                .as("regenerate with: " + REGENERATE)
                .isEqualTo(HadoopDefaults.sourceFileText(VersionInfo.getVersion()));
    }

    /** Spindle's classes come before Hadoop's jar here, as in the JVMs Spindle launches: Hadoop parses the copies. */
    @Test
    void aNewConfigurationReadsTheCopies() throws IOException {
        Configuration conf = new Configuration();

        for (String name : RESOURCES) {
            assertThat(conf.getResource(name)).isEqualTo(spindleCopy(name));
        }
        assertThat(conf.get("fs.defaultFS")).isEqualTo("file:///");
        assertThat(conf.get("fs.AbstractFileSystem.hdfs.impl")).isEqualTo("org.apache.hadoop.fs.Hdfs");
    }

    @Test
    void aJvmRunningAnotherHadoopWithTheCopiesInForceIsWarned() throws IOException {
        URL hadoopJar = Configuration.class.getProtectionDomain().getCodeSource().getLocation();
        URL copy = spindleCopy("core-default.xml");

        assertThat(HadoopDefaults.mismatch("3.5.0", "3.4.1", copy, hadoopJar)).hasValueSatisfying(warning ->
                assertThat(warning).contains("Hadoop 3.4.1", "Hadoop 3.5.0", copy.toString(),
                        "Put the Hadoop jars before Spindle's on the class path"));
        assertThat(HadoopDefaults.mismatch("3.5.0", "3.5.0", copy, hadoopJar)).isEmpty();
        // Hadoop's jar first on the class path: its own defaults are in force, whatever Spindle's copies say.
        assertThat(HadoopDefaults.mismatch("3.5.0", "3.4.1", HadoopDefaults.hadoopOriginal("core-default.xml"),
                hadoopJar)).isEmpty();
        // No copies (the yarn and shuffle-service jars): nothing to compare.
        assertThat(HadoopDefaults.mismatch(null, "3.4.1", copy, hadoopJar)).isEmpty();
    }

    @Test
    void compactingKeepsTheLicenseAndWritesEachPropertyInTheShortForm() {
        String original = """
                <?xml version="1.0"?>
                <?xml-stylesheet type="text/xsl" href="configuration.xsl"?>
                <!--
                   Licensed to the ASF.
                -->

                <!-- Do not modify this file directly. -->

                <configuration>

                <!-- i/o properties -->
                <property>
                  <name>a.b</name>
                  <value>1</value>
                  <final>true</final>
                  <tag>CORE</tag>
                  <description>A &lt;long&gt;
                    description.</description>
                </property>
                <property>
                  <name>c.d</name>
                  <value></value>
                </property>
                </configuration>
                """;

        assertThat(HadoopDefaults.compact("x-default.xml", "9.9.9", original)).isEqualTo("""
                <?xml version="1.0"?>
                <!--
                   Licensed to the ASF.
                -->
                <!-- Hadoop 9.9.9's x-default.xml, each property in the short form, without descriptions and \
                comments (dev.spindle.io.HadoopDefaults). -->
                <configuration>
                <property name="a.b" value="1" final="true" tag="CORE"/>
                <property name="c.d"/>
                </configuration>
                """);
    }

    /** What Hadoop's parser reads from the long form, it reads from the short one: the odd cases of its rules. */
    @Test
    void hadoopReadsTheShortFormAsItReadsTheLongOne(@TempDir Path dir) throws IOException {
        String original = """
                <?xml version="1.0"?>
                <configuration>
                <property><name>  spaced.name\t</name><value>  kept as written\t</value></property>
                <property><name>multi.line</name><value>one,
                    two,\tthree\r
                </value></property>
                <property><name>quoted</name><value>"a" &amp; 'b' &lt;c&gt; ${x}</value></property>
                <property><name>carriage.return</name><value>a&#13;b</value></property>
                <property><name>nested</name><value>a<b>x</b>c</value></property>
                <property><name>empty</name><value></value></property>
                <property><name>absent</name></property>
                <property><name>not.final</name><value>v</value><final>false</final></property>
                <property><name>final.padded</name><value>v</value><final> true</final></property>
                <property><name>tagged</name><value>v</value><final>true</final><tag>CORE,HDFS</tag></property>
                <property><name></name><value>nameless</value></property>
                <property><name>twice</name><value>first</value></property>
                <property><name>twice</name><value>second</value></property>
                <property><name>fs.default.name</name><value>deprecated-key</value></property>
                </configuration>
                """;
        Path longForm = Files.writeString(dir.resolve("long.xml"), original, StandardCharsets.UTF_8);
        Path shortForm = Files.writeString(dir.resolve("short.xml"),
                HadoopDefaults.compact("x-default.xml", "9.9.9", original), StandardCharsets.UTF_8);
        Set<String> tags = Set.of("CORE", "HDFS");

        Parsed expected = parse(longForm.toUri().toURL(), tags);
        Parsed actual = parse(shortForm.toUri().toURL(), tags);

        assertThat(expected.values()).containsEntry("spaced.name", "  kept as written\t")
                .containsEntry("multi.line", "one,\n    two,\tthree\n") // XML reads CR LF as LF
                .containsEntry("carriage.return", "a\rb").containsEntry("nested", "axc")
                .containsEntry("twice", "second")
                .containsEntry("fs.defaultFS", "deprecated-key").doesNotContainKeys("empty", "absent");
        assertThat(actual.values()).isEqualTo(expected.values());
        assertThat(actual.finals()).isEqualTo(expected.finals()).containsExactly("tagged");
        assertThat(actual.tagged()).isEqualTo(expected.tagged());
        assertThat(actual.tagged().get("HDFS")).contains("tagged");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            <source>            | <property><name>a</name><value>1</value><source>x</source></property>
            a source attribute  | <property name="a" value="1" source="x"/>
            <include>           | <include href="other.xml"/>
            <fallback>          | <property><name>a</name></property><fallback/>
            a CDATA section     | <property><name>a</name><value><![CDATA[1]]></value></property>
            """)
    void whatACompactCopyCannotCarryIsRefusedWithTheFix(String what, String body) {
        String original = "<configuration>" + body + "</configuration>";

        assertThatThrownBy(() -> HadoopDefaults.compact("x-default.xml", "9.9.9", original))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x-default.xml uses " + what + ",")
                .hasMessageContaining("leave it out of HadoopDefaults.RESOURCES");
    }

    @Test
    void aResourceThatIsNotXmlIsRefusedByName() {
        assertThatThrownBy(() -> HadoopDefaults.compact("x-default.xml", "9.9.9", "<configuration><property>"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x-default.xml is not well-formed");
    }
}
