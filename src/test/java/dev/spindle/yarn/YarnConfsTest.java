package dev.spindle.yarn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.junit.jupiter.api.Test;

class YarnConfsTest {
    @Test
    void containersGetWhatDiffersFromHadoopsDefaultsAndNothingElse() throws Exception {
        YarnConfiguration conf = new YarnConfiguration();
        conf.set("yarn.resourcemanager.address", "rm.example:8032");
        conf.set("fs.defaultFS", "hdfs://nn.example:8020");
        conf.set(YarnConfs.NOT_SHIPPED.get(0), "org.example.TestsOnlyMapping");
        byte[] xml = YarnConfs.forContainers(conf);

        Configuration shipped = new Configuration(false);
        shipped.addResource(new ByteArrayInputStream(xml));
        assertThat(shipped.get("yarn.resourcemanager.address")).isEqualTo("rm.example:8032");
        assertThat(shipped.get("fs.defaultFS")).isEqualTo("hdfs://nn.example:8020");
        assertThat(shipped.get(YarnConfs.NOT_SHIPPED.get(0))).isNull();
        assertThat(shipped.get("yarn.nodemanager.resource.memory-mb")).as("a default").isNull();
        assertThat(xml.length).as("bytes: a few settings, not every default").isLessThan(4_000);

        // What a container reads: its own defaults, then the shipped file.
        Configuration container = new YarnConfiguration(new Configuration());
        container.addResource(new ByteArrayInputStream(xml));
        assertThat(container.get("yarn.resourcemanager.address")).isEqualTo("rm.example:8032");
        assertThat(container.get("yarn.nodemanager.resource.memory-mb"))
                .isEqualTo(conf.get("yarn.nodemanager.resource.memory-mb"));
    }

    @Test
    void closeWaitsAreShortenedUnlessTheClusterSetsThem() {
        Configuration conf = new Configuration();
        YarnConfs.shortenCloseWaits(conf);
        assertThat(conf.getInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 0)).isEqualTo(25);
        assertThat(conf.getInt("dfs.client.block.write.locateFollowingBlock.retries", 0)).isEqualTo(10);

        Configuration configured = new Configuration(false);
        configured.set("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "300", "hdfs-site.xml");
        YarnConfs.shortenCloseWaits(configured);
        assertThat(configured.get("dfs.client.block.write.locateFollowingBlock.initial.delay.ms")).isEqualTo("300");
    }
}
