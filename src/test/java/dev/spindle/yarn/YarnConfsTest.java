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
    void aClientConfigurationFileHoldsTheSettingsAndLeavesTheDefaultsToTheClient() throws Exception {
        YarnConfiguration conf = new YarnConfiguration(new org.apache.hadoop.hdfs.HdfsConfiguration());
        conf.set("yarn.resourcemanager.address", "rm.example:8032");
        conf.set(YarnConfs.NOT_SHIPPED.get(0), "org.example.ClusterMapping");
        byte[] xml = YarnConfs.settingsXml(conf);

        Configuration client = new Configuration();
        client.addResource(new ByteArrayInputStream(xml));
        assertThat(client.get("yarn.resourcemanager.address")).isEqualTo("rm.example:8032");
        assertThat(client.get(YarnConfs.NOT_SHIPPED.get(0))).as("kept: a client file is no container's")
                .isEqualTo("org.example.ClusterMapping");
        assertThat(xml.length).as("bytes: a few settings, not every default").isLessThan(4_000);
        // A default the file left out is the client's to improve on.
        YarnConfs.shortenCloseWaits(client);
        assertThat(client.getInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 0)).isEqualTo(25);
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
