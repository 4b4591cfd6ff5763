package dev.spindle.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.rpc.message.BlockKind;
import dev.spindle.rpc.message.FetchRequest;
import dev.spindle.rpc.message.RpcMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Blocks stream in chunks under the frame limit, in order, with errors and lost connections reported. */
@Timeout(60)
class BlockFetchTest {
    private static final RpcSettings SETTINGS = new RpcSettings(2 * BlockSending.CHUNK_BYTES, 2_000, 5_000, 16);

    private final AppSecret secret = AppSecret.generate();
    private final ExecutorService serving = Executors.newCachedThreadPool();
    private final BlockFetches fetches = new BlockFetches(5_000);
    private RpcServer server;
    private RpcConnection client;

    /** The block with id {@code n}: {@code n} deterministic bytes. */
    private static byte[] block(long n) {
        byte[] bytes = new byte[(int) n];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + n);
        }
        return bytes;
    }

    @BeforeEach
    void start() {
        server = RpcServer.start("127.0.0.1", 0, secret, SETTINGS, (connection, message) -> {
            FetchRequest request = (FetchRequest) message.getBody();
            if (request.getId() < 0) {
                BlockSending.fail(connection, request.getRequestId(), "no block " + request.getId());
            } else if (request.getName() != null && request.getName().equals("hang-up")) {
                connection.close();
            } else {
                serving.execute(() -> BlockSending.send(connection, request.getRequestId(),
                        new ByteArrayInputStream(block(request.getId()))));
            }
        });
        client = RpcConnection.connect("127.0.0.1", server.port(), secret, SETTINGS, new RpcHandler() {
            @Override
            public void onMessage(RpcConnection connection, RpcMessage message) {
                try {
                    assertThat(fetches.accept(message)).isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onClose(RpcConnection connection, String reason) {
                fetches.failAll("connection to " + connection.peer() + " closed: " + reason);
            }
        });
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        serving.shutdownNow();
    }

    private InputStream fetch(long id, String name) {
        return fetches.open(client, FetchRequest.newBuilder().setKind(BlockKind.BROADCAST).setId(id).setName(name));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, BlockSending.CHUNK_BYTES - 1, BlockSending.CHUNK_BYTES, 3 * BlockSending.CHUNK_BYTES + 7})
    void blocksOfEverySizeArriveIntact(int size) throws IOException {
        try (InputStream in = fetch(size, null)) {
            assertThat(in.readAllBytes()).isEqualTo(block(size));
        }
        assertThat(fetches.pendingFetches()).isZero();
    }

    @Test
    void concurrentFetchesOnOneConnectionDoNotMix() throws Exception {
        InputStream a = fetch(5 * BlockSending.CHUNK_BYTES / 2, null);
        InputStream b = fetch(3 * BlockSending.CHUNK_BYTES / 2 + 11, null);
        assertThat(b.readAllBytes()).isEqualTo(block(3 * BlockSending.CHUNK_BYTES / 2 + 11));
        assertThat(a.readAllBytes()).isEqualTo(block(5 * BlockSending.CHUNK_BYTES / 2));
    }

    @Test
    void aServerErrorFailsTheStreamWithItsMessage() {
        assertThatThrownBy(() -> fetch(-3, null).readAllBytes())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no block -3");
    }

    @Test
    void aLostConnectionFailsOpenFetches() {
        assertThatThrownBy(() -> fetch(10, "hang-up").readAllBytes())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
        assertThat(fetches.pendingFetches()).isZero();
    }
}
