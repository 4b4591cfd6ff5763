package dev.spindle.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.rpc.message.BlockKind;
import dev.spindle.rpc.message.FetchRequest;
import dev.spindle.rpc.message.RpcMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
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
    private final BlockFetches fetches = new BlockFetches(5_000);
    /** Blocks the server opened and has not closed yet. */
    private final AtomicInteger openBlocks = new AtomicInteger();
    private FetchServer blocks;
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
        blocks = new FetchServer("test-block-server", 2, request -> {
            if (request.getId() < 0) {
                throw new IOException("no block " + request.getId());
            }
            openBlocks.incrementAndGet();
            return new ByteArrayInputStream(block(request.getId())) {
                @Override
                public void close() {
                    openBlocks.decrementAndGet();
                }
            };
        });
        server = RpcServer.start("127.0.0.1", 0, secret, SETTINGS, new RpcHandler() {
            @Override
            public void onMessage(RpcConnection connection, RpcMessage message) {
                if (message.getBody() instanceof FetchRequest request && "hang-up".equals(request.getName())) {
                    connection.close();
                } else {
                    assertThat(blocks.accept(connection, message)).isTrue();
                }
            }

            @Override
            public void onClose(RpcConnection connection, String reason) {
                blocks.closed(connection);
            }
        });
        client = FetchingClients.connect(server.port(), secret, SETTINGS, fetches);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        blocks.close();
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

    /**
     * A reader that stops reading holds back its own fetch only: a fetch many windows long on the same connection
     * streams to its end while the first one sits unread, and the first one then completes intact.
     */
    @Test
    void aStalledReaderDoesNotStallOtherFetchesOnItsConnection() throws IOException {
        int stalledSize = 3 * BlockFetches.WINDOW * BlockSending.CHUNK_BYTES + 5;
        int flowingSize = 4 * BlockFetches.WINDOW * BlockSending.CHUNK_BYTES + 3;
        try (InputStream stalled = fetch(stalledSize, null); InputStream flowing = fetch(flowingSize, null)) {
            assertThat(stalled.read()).isEqualTo(block(stalledSize)[0] & 0xff);
            assertThat(flowing.readAllBytes()).isEqualTo(block(flowingSize));
            byte[] rest = stalled.readAllBytes();
            assertThat(rest).hasSize(stalledSize - 1);
            assertThat(rest[rest.length - 1]).isEqualTo(block(stalledSize)[stalledSize - 1]);
        }
        Awaitility.await().until(() -> blocks.openFetches() == 0 && openBlocks.get() == 0);
    }

    @Test
    void closingAStreamEarlyCancelsTheFetchAndReleasesTheBlock() throws IOException {
        int size = 5 * BlockFetches.WINDOW * BlockSending.CHUNK_BYTES;
        try (InputStream in = fetch(size, null)) {
            assertThat(in.readNBytes(10)).hasSize(10);
            assertThat(blocks.openFetches()).isEqualTo(1);
        }
        Awaitility.await().until(() -> blocks.openFetches() == 0 && openBlocks.get() == 0);
        assertThat(fetches.pendingFetches()).isZero();
    }

    @Test
    void aLostRequesterReleasesTheBlocksItWasServed() throws IOException {
        InputStream in = fetch(3 * BlockFetches.WINDOW * BlockSending.CHUNK_BYTES, null);
        assertThat(in.read()).isNotNegative();
        assertThat(openBlocks).hasValue(1);
        client.close();
        Awaitility.await().until(() -> blocks.openFetches() == 0 && openBlocks.get() == 0);
    }
}
