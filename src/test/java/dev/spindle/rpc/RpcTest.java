package dev.spindle.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.rpc.message.ExecutorRegistered;
import dev.spindle.rpc.message.Heartbeat;
import dev.spindle.rpc.message.RegisterExecutor;
import dev.spindle.rpc.message.RpcMessage;
import dev.spindle.rpc.message.StopExecutor;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Authenticated framing: round trips, and every kind of bad peer is refused without harming the server. */
@Timeout(60)
class RpcTest {
    /** A 2 s handshake deadline: short for the silent peer's test, long enough for a legitimate client under load. */
    private static final RpcSettings SETTINGS = new RpcSettings(64 * 1024, 2_000, 5_000, 16);

    private final AppSecret secret = AppSecret.generate();
    private final BlockingQueue<RpcMessage> received = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> closes = new LinkedBlockingQueue<>();
    private RpcServer server;

    @BeforeEach
    void start() {
        server = RpcServer.start("127.0.0.1", 0, secret, SETTINGS, new RpcHandler() {
            @Override
            public void onMessage(RpcConnection connection, RpcMessage message) {
                received.add(message);
                if (message.getBody() instanceof RegisterExecutor register) {
                    connection.attach(register.getExecutorId());
                    connection.send(ExecutorRegistered.newBuilder().setAccepted(true)
                            .setConf(Map.of("spindle.executor.cores", String.valueOf(register.getCores()))).build());
                }
            }

            @Override
            public void onClose(RpcConnection connection, String reason) {
                closes.add(reason);
            }
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static RegisterExecutor register(String id) {
        return RegisterExecutor.newBuilder().setExecutorId(id).setHost("host-" + id).setBlockPort(7000)
                .setCores(3).setMemoryBytes(1L << 30).build();
    }

    private RpcConnection client(AppSecret key, BlockingQueue<RpcMessage> inbox) {
        return RpcConnection.connect("127.0.0.1", server.port(), key, SETTINGS, (c, m) -> inbox.add(m));
    }

    /** Messages are written by their generated encoders, which meet a required field left null with a bare NPE. */
    @Test
    void aMessageWithARequiredFieldLeftNullIsRefusedByName() throws InterruptedException {
        try (RpcConnection client = client(secret, new LinkedBlockingQueue<>())) {
            StopExecutor stop = new StopExecutor(); // built without its builder: reason left null

            assertThatThrownBy(() -> client.send(stop))
                    .isInstanceOf(RpcException.class)
                    .hasMessageContaining("cannot encode StopExecutor: a field the protocol requires is null");
        }
        serverStillServes();
    }

    /** A good client still gets answers: the server survived whatever the test did before. */
    private void serverStillServes() throws InterruptedException {
        BlockingQueue<RpcMessage> inbox = new LinkedBlockingQueue<>();
        try (RpcConnection good = client(secret, inbox)) {
            good.send(register("good"));
            RpcMessage reply = inbox.poll(10, TimeUnit.SECONDS);
            assertThat(reply).isNotNull();
            assertThat(((ExecutorRegistered) reply.getBody()).getAccepted()).isTrue();
        }
    }

    @Test
    void messagesRoundTripInBothDirections() throws InterruptedException {
        BlockingQueue<RpcMessage> inbox = new LinkedBlockingQueue<>();
        try (RpcConnection connection = client(secret, inbox)) {
            connection.send(register("7"));
            connection.send(Heartbeat.newBuilder().setExecutorId("7").setSentAtMillis(42).build());
            RegisterExecutor got = (RegisterExecutor) received.poll(10, TimeUnit.SECONDS).getBody();
            assertThat(got).isEqualTo(register("7"));
            assertThat(((Heartbeat) received.poll(10, TimeUnit.SECONDS).getBody()).getSentAtMillis()).isEqualTo(42);
            ExecutorRegistered reply = (ExecutorRegistered) inbox.poll(10, TimeUnit.SECONDS).getBody();
            assertThat(reply.getConf()).containsEntry("spindle.executor.cores", "3");
            assertThat(server.connections()).singleElement()
                    .satisfies(c -> assertThat(c.attachment()).isEqualTo("7"));
        }
    }

    @Test
    void queuedSendsNeverWaitForAPeerThatStoppedReadingAndArriveInOrder() throws Exception {
        java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        BlockingQueue<RpcMessage> inbox = new LinkedBlockingQueue<>();
        try (RpcConnection client = RpcConnection.connect("127.0.0.1", server.port(), secret, SETTINGS, (c, m) -> {
            try {
                reading.await(); // the peer's reader stops: its socket buffers fill up
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inbox.add(m);
        })) {
            client.send(register("slow"));
            // The server takes the connection in, and the registration, on threads of its own.
            RpcConnection toSlow = org.awaitility.Awaitility.await("the registered connection")
                    .atMost(java.time.Duration.ofSeconds(30)).until(() -> server.connections().stream()
                            .filter(c -> "slow".equals(c.attachment())).findFirst(), java.util.Optional::isPresent)
                    .orElseThrow();
            // 400 messages of 50 KB: 20 MB, far more than the socket buffers hold.
            String padding = "x".repeat(50_000);
            java.util.concurrent.CompletableFuture<Void> sending = java.util.concurrent.CompletableFuture.runAsync(
                    () -> {
                        for (int i = 0; i < 400; i++) {
                            toSlow.sendAsync(Heartbeat.newBuilder().setExecutorId(i + padding).setSentAtMillis(i)
                                    .build());
                        }
                    });
            sending.get(30, TimeUnit.SECONDS); // a blocking send would wait here until the peer reads again
            reading.countDown();
            toSlow.send(Heartbeat.newBuilder().setExecutorId("last").setSentAtMillis(400).build());
            // The server answers the registration on its own thread: that answer may come anywhere in between.
            for (int i = 0; i <= 400; i++) {
                RpcMessage message = inbox.poll(30, TimeUnit.SECONDS);
                assertThat(message).as("message %d", i).isNotNull();
                if (message.getBody() instanceof ExecutorRegistered) {
                    message = inbox.poll(30, TimeUnit.SECONDS);
                    assertThat(message).as("message %d", i).isNotNull();
                }
                assertThat(((Heartbeat) message.getBody()).getSentAtMillis()).as("in order").isEqualTo(i);
            }
        }
    }

    @Test
    void aWrongSecretIsRefusedAndNothingIsDecoded() throws InterruptedException {
        assertThatThrownBy(() -> client(AppSecret.generate(), new LinkedBlockingQueue<>()))
                .isInstanceOf(RpcException.class)
                .hasMessageContaining("authentication failed");
        assertThat(received).isEmpty();
        assertThat(server.connections()).isEmpty();
        serverStillServes();
    }

    @Test
    void garbageWithoutAuthenticationIsClosed() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".repeat(10).getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntilClosed(socket.getInputStream())).as("only the greeting").isEqualTo(40);
        }
        assertThat(received).isEmpty();
        serverStillServes();
    }

    @Test
    void aSilentPeerIsDisconnectedAfterTheHandshakeTimeout() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            long start = System.nanoTime();
            readUntilClosed(socket.getInputStream());
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(1_500L, 15_000L);
        }
        serverStillServes();
    }

    @Test
    void anOversizedFrameClosesOnlyThatConnection() throws Exception {
        BlockingQueue<RpcMessage> inbox = new LinkedBlockingQueue<>();
        try (RpcConnection bystander = client(secret, inbox); Socket socket = authenticatedSocket()) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(SETTINGS.maxFrameBytes() + 1);
            out.flush();
            assertThat(readUntilClosed(socket.getInputStream())).isZero();
            assertThat(closes.poll(10, TimeUnit.SECONDS)).contains("exceeds spindle.rpc.maxFrameSize=65536");
            bystander.send(register("bystander"));
            assertThat(inbox.poll(10, TimeUnit.SECONDS)).as("the other connection still works").isNotNull();
        }
    }

    @Test
    void malformedAndTruncatedFramesCloseTheConnection() throws Exception {
        try (Socket socket = authenticatedSocket()) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(5);
            out.write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f});
            out.flush();
            readUntilClosed(socket.getInputStream());
            assertThat(closes.poll(10, TimeUnit.SECONDS)).contains("malformed message");
        }
        try (Socket socket = authenticatedSocket()) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(100);
            out.write(new byte[10]);
            out.flush();
            socket.shutdownOutput();
            readUntilClosed(socket.getInputStream());
            assertThat(closes.poll(10, TimeUnit.SECONDS)).contains("closed inside a frame of 100 bytes");
        }
        assertThat(received).isEmpty();
        serverStillServes();
    }

    @Test
    void aMessageAboveTheFrameLimitIsRefusedBeforeSending() throws InterruptedException {
        try (RpcConnection connection = client(secret, new LinkedBlockingQueue<>())) {
            assertThatThrownBy(() -> connection.send(RegisterExecutor.newBuilder(register("big"))
                    .setHost("h".repeat(100_000)).build()))
                    .hasMessageContaining("exceeds spindle.rpc.maxFrameSize");
            assertThat(connection.isOpen()).isTrue();
        }
        serverStillServes();
    }

    @Test
    void theSecretFileIsPrivateAndTheSecretNeverPrinted(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("secret");
        secret.writeTo(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(AppSecret.readFrom(file)).isEqualTo(secret);
        assertThat(secret.toString()).doesNotContain(new String(secret.bytes(), StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> secret.writeTo(file)).hasMessageContaining("already exists");
        Files.write(dir.resolve("short"), new byte[4]);
        assertThatThrownBy(() -> AppSecret.readFrom(dir.resolve("short"))).hasMessageContaining("at least 16 bytes");
    }

    /** A socket that passed the handshake but speaks raw frames, to send what a real client never would. */
    private Socket authenticatedSocket() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        assertThat(Handshake.connect(socket, secret, "test server", System.nanoTime() + TimeUnit.SECONDS.toNanos(10)))
                .as("authenticated").isTrue();
        socket.setSoTimeout(0);
        return socket;
    }

    /** Reads until the server closes the connection; the number of bytes read. */
    private static int readUntilClosed(InputStream in) throws IOException {
        int total = 0;
        byte[] buffer = new byte[1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
        }
        return total;
    }

    @Test
    void manyClientsAtOnce() throws InterruptedException {
        List<BlockingQueue<RpcMessage>> inboxes = java.util.stream.Stream.generate(
                () -> (BlockingQueue<RpcMessage>) new LinkedBlockingQueue<RpcMessage>()).limit(20).toList();
        List<RpcConnection> clients = inboxes.stream().map(inbox -> client(secret, inbox)).toList();
        try {
            for (int i = 0; i < clients.size(); i++) {
                clients.get(i).send(register(String.valueOf(i)));
            }
            for (BlockingQueue<RpcMessage> inbox : inboxes) {
                assertThat(inbox.poll(10, TimeUnit.SECONDS)).isNotNull();
            }
        } finally {
            clients.forEach(RpcConnection::close);
        }
    }
}
