package dev.spindle.yarn.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.ExecutorId;
import dev.spindle.config.SpindleConf;
import dev.spindle.executor.ShuffleServiceClient;
import dev.spindle.rpc.AppSecret;
import dev.spindle.rpc.RpcException;
import dev.spindle.rpc.RpcSettings;
import dev.spindle.shuffle.FetchFailedException;
import dev.spindle.shuffle.LocalBlockFetcher;
import dev.spindle.shuffle.MapStatus;
import dev.spindle.shuffle.RemoteBlockFetcher;
import dev.spindle.shuffle.ShuffleFiles;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.server.api.ApplicationInitializationContext;
import org.apache.hadoop.yarn.server.api.ApplicationTerminationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NodeManager's shuffle service in this JVM: it serves an application's map output, with that application's
 * secret only, from the directories its executors registered in its NodeManager cache, and deletes them when the
 * application ends.
 */
class ShuffleServiceTest {
    private static final RpcSettings RPC = RpcSettings.from(SpindleConf.empty());
    private static final ApplicationId APP = ApplicationId.newInstance(1_700_000_000_000L, 7);

    @TempDir
    Path nodeDir;

    private final ShuffleService service = new ShuffleService();
    private final AppSecret secret = AppSecret.generate();

    @BeforeEach
    void start() {
        Configuration conf = new Configuration(false);
        conf.setInt(ShuffleService.PORT_KEY, 0);
        service.init(conf);
        service.start();
        service.initializeApplication(new ApplicationInitializationContext("alice", APP,
                ByteBuffer.wrap(secret.bytes())));
    }

    @AfterEach
    void stop() {
        service.stop();
    }

    /** Map task 42 of shuffle 3: partition 0 is "left", partition 1 "right side". */
    private Path mapOutput(String executor) throws IOException {
        Path dir = Files.createDirectories(nodeDir.resolve("usercache/alice/appcache/" + APP + "/spindle-shuffle-"
                + executor));
        ShuffleFiles files = new ShuffleFiles(dir);
        Files.writeString(files.dataFile(3, 42), "leftright side");
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(files.indexFile(3, 42)))) {
            out.writeLong(0);
            out.writeLong(4);
            out.writeLong(14);
        }
        return dir;
    }

    private String fetch(AppSecret as, String executor, int partition) throws IOException {
        try (RemoteBlockFetcher fetcher = new RemoteBlockFetcher(new ExecutorId("reducer"),
                new LocalBlockFetcher(new ShuffleFiles(nodeDir.resolve("reducer")), new ExecutorId("reducer")), as,
                RPC, 10_000);
                InputStream in = fetcher.open(new MapStatus(new ExecutorId(executor), "127.0.0.1", service.port(), 0,
                        42, new long[] {4, 10}), 3, partition, partition + 1)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void servesARegisteredExecutorsMapOutputToItsApplicationOnly() throws IOException {
        Path dir = mapOutput("1");
        ShuffleServiceClient.register("127.0.0.1", service.port(), secret, RPC, new ExecutorId("1"), dir, 10_000);
        assertThat(fetch(secret, "1", 1)).isEqualTo("right side");
        assertThat(fetch(secret, "1", 0)).isEqualTo("left");

        assertThatThrownBy(() -> fetch(AppSecret.generate(), "1", 1)).isInstanceOf(FetchFailedException.class)
                .hasMessageContaining("authentication failed");
        // Its answer comes as the fetch's first chunk would: the reading reducer fails (and reports a fetch failure).
        assertThatThrownBy(() -> fetch(secret, "2", 1)).isInstanceOf(IOException.class)
                .hasMessageContaining("executor 2 registered no map output with the shuffle service");
    }

    @Test
    void refusesADirectoryOutsideTheApplicationsNodeManagerCache() throws IOException {
        Path elsewhere = Files.createDirectories(nodeDir.resolve("etc"));
        assertThatThrownBy(() -> ShuffleServiceClient.register("127.0.0.1", service.port(), secret, RPC,
                new ExecutorId("1"), elsewhere, 10_000)).isInstanceOf(RpcException.class)
                .hasMessageContaining("is not in the NodeManager's cache of " + APP);
    }

    @Test
    void theApplicationsEndDeletesItsMapOutputAndItsSecret() throws IOException {
        Path dir = mapOutput("1");
        ShuffleServiceClient.register("127.0.0.1", service.port(), secret, RPC, new ExecutorId("1"), dir, 10_000);
        service.stopApplication(new ApplicationTerminationContext(APP));
        assertThat(dir).doesNotExist();
        assertThatThrownBy(() -> fetch(secret, "1", 1)).isInstanceOf(FetchFailedException.class)
                .hasMessageContaining("authentication failed");
    }
}
