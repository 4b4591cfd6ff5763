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

    @Test
    void executorsGetTheApplicationJarsOnTheirClassPathTheAmLoadsThemItself() {
        StagedResources staged = new StagedResources(List.of(
                new Entry("spindle.jar", Role.SPINDLE_JAR, "hdfs:/c/spindle.jar", 1, 1, true),
                new Entry("__app__.jar", Role.APP_JAR, "hdfs:/s/__app__.jar", 1, 1, false),
                new Entry("extra.jar", Role.APP_JAR, "hdfs:/s/extra.jar", 1, 1, false),
                new Entry("__spindle__.conf", Role.AM_ONLY, "hdfs:/s/__spindle__.conf", 1, 1, false),
                new Entry("core-site.xml", Role.CONF, "hdfs:/s/core-site.xml", 1, 1, false)));
        assertThat(staged.classPath(true, List.of("$HADOOP_HOME/*")))
                .isEqualTo("{{PWD}}<CPS>{{PWD}}/spindle.jar<CPS>{{PWD}}/__app__.jar<CPS>{{PWD}}/extra.jar"
                        + "<CPS>$HADOOP_HOME/*");
        assertThat(staged.classPath(false, List.of())).isEqualTo("{{PWD}}<CPS>{{PWD}}/spindle.jar");
        assertThat(staged.localResources(false)).containsOnlyKeys("spindle.jar", "__app__.jar", "extra.jar",
                "core-site.xml");
        assertThat(staged.localResources(true)).containsKey("__spindle__.conf");
        assertThat(staged.applicationJars()).containsExactly("__app__.jar", "extra.jar");
        assertThatThrownBy(() -> staged.with(new Entry("extra.jar", Role.FILE, "hdfs:/s/other/extra.jar", 1, 1,
                false))).hasMessageContaining("two files would be named extra.jar");
    }
}
