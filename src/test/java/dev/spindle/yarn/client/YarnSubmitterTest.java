package dev.spindle.yarn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.config.SpindleConf;
import dev.spindle.yarn.StagedResources;
import dev.spindle.yarn.StagedResources.Entry;
import dev.spindle.yarn.StagedResources.Role;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.yarn.api.records.Resource;
import org.junit.jupiter.api.Test;

class YarnSubmitterTest {
    private static final Resource MAX = Resource.newInstance(4096, 4);

    @Test
    void containerSizesAddTheOverheadAndAreCheckedAgainstTheClusterMaximum() {
        Resource am = YarnSubmitter.checkSizes(SpindleConf.of(Map.of("spindle.driver.memory", "2g",
                "spindle.driver.cores", "2")), MAX);
        assertThat(am.getMemorySize()).isEqualTo(2048 + 384);
        assertThat(am.getVirtualCores()).isEqualTo(2);
        assertThat(YarnSubmitter.checkSizes(SpindleConf.of(Map.of("spindle.driver.memory", "3g",
                "spindle.driver.memoryOverhead", "1g")), MAX).getMemorySize()).isEqualTo(4096);

        assertThatThrownBy(() -> YarnSubmitter.checkSizes(SpindleConf.of(Map.of("spindle.executor.memory", "4g")),
                MAX)).hasMessage("executor memory 4096 MB + overhead 409 MB = 4505 MB is above this cluster's maximum "
                        + "container memory of 4096 MB (yarn.scheduler.maximum-allocation-mb); lower --executor-memory "
                        + "(spindle.executor.memory) or spindle.executor.memoryOverhead");
        assertThatThrownBy(() -> YarnSubmitter.checkSizes(SpindleConf.of(Map.of("spindle.driver.memory", "4g")),
                MAX)).hasMessageContaining("driver memory 4096 MB + overhead 409 MB").hasMessageContaining(
                        "--driver-memory");
        assertThatThrownBy(() -> YarnSubmitter.checkSizes(SpindleConf.of(Map.of("spindle.executor.cores", "8")),
                MAX)).hasMessageContaining("--executor-cores 8").hasMessageContaining("maximum of 4 vcores");
    }

    @Test
    void argumentsSurviveAnyCharacter() {
        String text = new String(YarnSubmitter.encodeArgs("app.Main", List.of("a b", "line\nbreak", "", "ü$'\"")),
                StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        assertThat(lines.get(0)).isEqualTo("app.Main");
        assertThat(lines.subList(1, lines.size()).stream()
                .map(l -> new String(Base64.getDecoder().decode(l), StandardCharsets.UTF_8)).toList())
                .containsExactly("a b", "line\nbreak", "", "ü$'\"");
    }

    private static java.nio.file.Path writeList(StagedResources staged) {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("resources", ".txt");
            file.toFile().deleteOnExit();
            java.nio.file.Files.write(file, staged.toBytes());
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theApplicationJarsStayOffTheClassPathSpindlesJarsComeFirst() {
        StagedResources staged = new StagedResources(List.of(
                new Entry("spindle.jar", Role.SPINDLE_JAR, "hdfs:/c/spindle.jar", 1, 1, true),
                new Entry("__app__.jar", Role.APP_JAR, "hdfs:/s/__app__.jar", 1, 1, false),
                new Entry("extra.jar", Role.APP_JAR, "hdfs:/s/extra.jar", 1, 1, false),
                new Entry("__spindle_conf__", Role.CONF_ARCHIVE, "hdfs:/s/__spindle_conf__.zip", 1, 1, false)));
        // Jars first, by relative names (class data sharing needs that); the application's jars are loaded apart.
        assertThat(staged.classPath(List.of("$HADOOP_HOME/*")))
                .isEqualTo("spindle.jar<CPS>{{PWD}}/__spindle_conf__<CPS>{{PWD}}<CPS>$HADOOP_HOME/*");
        assertThat(staged.localResources()).containsOnlyKeys("spindle.jar", "__app__.jar", "extra.jar",
                "__spindle_conf__");
        assertThat(staged.localResources().get("__spindle_conf__").getType())
                .isEqualTo(org.apache.hadoop.yarn.api.records.LocalResourceType.ARCHIVE);
        assertThat(StagedResources.readFrom(writeList(staged)).entries()).isEqualTo(staged.entries());
        assertThat(staged.applicationJars()).containsExactly("__app__.jar", "extra.jar");
        assertThatThrownBy(() -> staged.with(new Entry("extra.jar", Role.FILE, "hdfs:/s/other/extra.jar", 1, 1,
                false))).hasMessageContaining("two files would be named extra.jar");
    }

    @Test
    void anArchiveWithKnownJarsNamesEachInOrderAndTheListKeepsThem() {
        StagedResources staged = new StagedResources(List.of(
                new Entry("__spindle_libs__", Role.SPINDLE_ARCHIVE, "hdfs:/c/libs-1/__spindle_libs__.zip", 1, 1, true,
                        List.of("spindle.jar", "avro.jar")),
                new Entry("__app__.jar", Role.APP_JAR, "hdfs:/s/__app__.jar", 1, 1, false)));
        assertThat(staged.classPath(List.of()))
                .isEqualTo("__spindle_libs__/spindle.jar<CPS>__spindle_libs__/avro.jar<CPS>{{PWD}}");
        assertThat(staged.spindleArchive()).map(Entry::contents).contains(List.of("spindle.jar", "avro.jar"));
        assertThat(StagedResources.readFrom(writeList(staged)).entries()).isEqualTo(staged.entries());
        StagedResources unknown = new StagedResources(List.of(new Entry("__spindle_libs__", Role.SPINDLE_ARCHIVE,
                "hdfs:/x/libs.zip", 1, 1, true)));
        assertThat(unknown.classPath(List.of())).isEqualTo("__spindle_libs__/*<CPS>{{PWD}}");
    }
}
