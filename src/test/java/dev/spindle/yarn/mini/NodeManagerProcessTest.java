package dev.spindle.yarn.mini;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeManagerProcessTest {
    @TempDir
    Path dir;

    /**
     * A NodeManager whose parent has gone ends at once, even while it is still trying to reach a ResourceManager
     * that is gone too (here: one that never was), instead of retrying for the default 15 minutes.
     */
    @Test
    void aNodeManagerWhoseParentHasGoneEnds() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Configuration conf = new YarnConfiguration();
        conf.set(YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS, "127.0.0.1:" + closedPort);
        conf.set(YarnConfiguration.NM_LOCAL_DIRS, Files.createDirectories(dir.resolve("local")).toString());
        conf.set(YarnConfiguration.NM_LOG_DIRS, Files.createDirectories(dir.resolve("logs")).toString());
        for (String key : new String[] {YarnConfiguration.NM_ADDRESS, YarnConfiguration.NM_LOCALIZER_ADDRESS,
                YarnConfiguration.NM_WEBAPP_ADDRESS, YarnConfiguration.NM_COLLECTOR_SERVICE_ADDRESS}) {
            conf.set(key, "127.0.0.1:0");
        }
        NodeManagerProcess nm = NodeManagerProcess.launch(0, conf, dir);
        try {
            assertThat(nm.isAlive()).as(nm.exitDescription()).isTrue();
            nm.closeInput();
            assertThat(nm.awaitExit(60)).isZero();
            assertThat(Files.readString(nm.log())).contains("The embedded cluster's process has gone");
        } finally {
            nm.stop(5);
        }
    }
}
