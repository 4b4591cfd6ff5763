package dev.spindle.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.FileSegmentStream;
import dev.spindle.rpc.message.BlockKind;
import dev.spindle.rpc.message.FetchRequest;
import dev.spindle.rpc.message.RpcMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * File segments served by a block server whose sockets are channels go from the file to the socket
 * ({@code transferTo}) in frames the requester reads like any other.
 */
@Timeout(60)
class FileBlockFetchTest {
    private static final RpcSettings SETTINGS = new RpcSettings(2 * BlockSending.CHUNK_BYTES, 2_000, 5_000, 16);
    /** Bytes before and after the served segment in its file. */
    private static final int MARGIN = 1000;

    @TempDir
    Path dir;
    private final AppSecret secret = AppSecret.generate();
    private final BlockFetches fetches = new BlockFetches(5_000);
    private FetchServer blocks;
    private RpcServer server;
    private RpcConnection client;

    private static byte[] bytes(int n, int seed) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) (i * 31 + seed);
        }
        return bytes;
    }

    @BeforeEach
    void start() {
        // Block n: a file of MARGIN + n + MARGIN bytes, served from MARGIN for n bytes; name "short": the file ends
        // 10 bytes before the segment does.
        blocks = new FetchServer("test-file-server", 2, request -> {
            int n = (int) request.getId();
            Path file = dir.resolve("block-" + n + "-" + request.getName());
            boolean cut = "short".equals(request.getName());
            Files.write(file, bytes(MARGIN + n + (cut ? -10 : MARGIN), n));
            return new FileSegmentStream(FileChannel.open(file, StandardOpenOption.READ), MARGIN, MARGIN + n);
        });
        server = RpcServer.start(RpcServer.bindForFiles("127.0.0.1", 0), secret, SETTINGS, new RpcHandler() {
            @Override
            public void onMessage(RpcConnection connection, RpcMessage message) {
                assertThat(connection.sendsFiles()).isTrue();
                assertThat(blocks.accept(connection, message)).isTrue();
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

    private InputStream fetch(int size, String name) {
        return fetches.open(client, FetchRequest.newBuilder().setKind(BlockKind.SHUFFLE).setId(size)
                .setName(name));
    }

    private static byte[] segment(int n) {
        return Arrays.copyOfRange(bytes(MARGIN + n + MARGIN, n), MARGIN, MARGIN + n);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, BlockSending.CHUNK_BYTES - 1, BlockSending.CHUNK_BYTES, 3 * BlockSending.CHUNK_BYTES + 7})
    void segmentsOfEverySizeArriveIntactSentFromTheFile(int size) throws IOException {
        try (InputStream in = fetch(size, "whole")) {
            assertThat(in.readAllBytes()).isEqualTo(segment(size));
        }
        // One chunk per started CHUNK_BYTES, and one (empty) more when the size is a multiple of it. The server counts
        // a chunk once it is out, which can be after the reader has it.
        Awaitility.await().untilAsserted(() -> assertThat(blocks.fileChunks())
                .isEqualTo(size / BlockSending.CHUNK_BYTES + 1));
        assertThat(fetches.pendingFetches()).isZero();
    }

    @Test
    void concurrentFileFetchesOnOneConnectionDoNotMix() throws Exception {
        InputStream a = fetch(5 * BlockSending.CHUNK_BYTES / 2, "a");
        InputStream b = fetch(3 * BlockSending.CHUNK_BYTES / 2 + 11, "b");
        assertThat(b.readAllBytes()).isEqualTo(segment(3 * BlockSending.CHUNK_BYTES / 2 + 11));
        assertThat(a.readAllBytes()).isEqualTo(segment(5 * BlockSending.CHUNK_BYTES / 2));
        Awaitility.await().untilAsserted(() -> assertThat(blocks.fileChunks()).isEqualTo(5));
    }

    @Test
    void aFileShorterThanItsSegmentFailsTheFetchInsteadOfHangingIt() {
        assertThatThrownBy(() -> fetch(BlockSending.CHUNK_BYTES / 2, "short").readAllBytes())
                .isInstanceOf(IOException.class).hasMessageContaining("closed");
    }
}
