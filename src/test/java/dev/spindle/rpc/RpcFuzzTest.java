package dev.spindle.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spindle.rpc.message.BlockKind;
import dev.spindle.rpc.message.ExecutorRegistered;
import dev.spindle.rpc.message.FetchRequest;
import dev.spindle.rpc.message.RegisterExecutor;
import dev.spindle.rpc.message.RpcMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Feeds the RPC server and the block server hostile input from a seeded random source: random bytes, truncated
 * frames, huge length prefixes, valid frames without authentication, replayed handshakes, and authenticated
 * connections that then send garbage. Neither server may crash (a legitimate client is served throughout), allocate
 * a frame buffer beyond {@code maxFrameSize} or before authentication, or hand anything to its handler before
 * authentication.
 *
 * <p>CI runs a short, fixed-seed budget. A longer run: {@code -Drpc.fuzz.seed=N -Drpc.fuzz.budgetMillis=M}
 * (budget per server).
 */
@Timeout(120)
class RpcFuzzTest {
    static final String SEED_PROPERTY = "rpc.fuzz.seed";
    static final String BUDGET_PROPERTY = "rpc.fuzz.budgetMillis";
    private static final long SEED = Long.getLong(SEED_PROPERTY, 20_261_202L);
    private static final long BUDGET_MILLIS = Long.getLong(BUDGET_PROPERTY, 8_000L);
    private static final int MAX_FRAME = 64 * 1024;
    private static final RpcSettings SETTINGS = new RpcSettings(MAX_FRAME, 2_000, 10_000, 8);
    /** Every so many cases, a legitimate client must still be served. */
    private static final int CHECK_EVERY = 50;
    private static final int GREETING_BYTES = 40;

    private final AppSecret secret = AppSecret.generate();
    /** Messages handed to the server's handler. */
    private final AtomicInteger handled = new AtomicInteger();
    private final CountingBuffers buffers = new CountingBuffers();
    private final FetchServer fetchServer = new FetchServer("fuzz-block-server", 2, this::openBlock);
    private RpcServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        fetchServer.close();
    }

    /** The seam: counts the frame buffers a server allocates and remembers the largest. */
    private static final class CountingBuffers implements IntFunction<byte[]> {
        final AtomicLong count = new AtomicLong();
        final AtomicLong largest = new AtomicLong();

        @Override
        public byte[] apply(int length) {
            count.incrementAndGet();
            largest.accumulateAndGet(length, Math::max);
            return new byte[length];
        }
    }

    private enum Case {
        RANDOM_BYTES, TRUNCATED_HANDSHAKE, HUGE_LENGTH_PREFIX, FRAME_BEFORE_AUTHENTICATION, REPLAYED_HANDSHAKE,
        GARBAGE_AFTER_AUTHENTICATION
    }

    @Test
    void theRpcServerSurvivesHostileInput() throws Exception {
        server = RpcServer.start(RpcServer.bind("127.0.0.1", 0), secret, SETTINGS, (connection, message) -> {
            handled.incrementAndGet();
            if (message.getBody() instanceof RegisterExecutor) {
                connection.send(ExecutorRegistered.newBuilder().setAccepted(true).build());
            }
        }, buffers);
        fuzz(this::rpcClientIsServed, register());
    }

    @Test
    void theBlockServerSurvivesHostileInput() throws Exception {
        server = RpcServer.start(RpcServer.bind("127.0.0.1", 0), secret, SETTINGS, (connection, message) -> {
            handled.incrementAndGet();
            fetchServer.accept(connection, message);
        }, buffers);
        fuzz(this::blockClientIsServed, FetchRequest.newBuilder().setRequestId(1).setKind(BlockKind.BROADCAST)
                .setId(3).build());
    }

    private void fuzz(Check legitimate, SpecificRecord validBody) throws Exception {
        byte[] validFrame = frame(validBody);
        byte[] capturedHandshake = captureHandshake();
        Random random = new Random(SEED);
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BUDGET_MILLIS);
        int iteration = 0;
        while (System.nanoTime() < end) {
            Case c = Case.values()[random.nextInt(Case.values().length)];
            String what = "seed " + SEED + ", case " + iteration + " (" + c + ")";
            if (c == Case.GARBAGE_AFTER_AUTHENTICATION) {
                garbageAfterAuthentication(random, validFrame, what);
            } else {
                int handledBefore = handled.get();
                long buffersBefore = buffers.count.get();
                beforeAuthentication(c, random, validFrame, capturedHandshake, what);
                assertThat(handled.get()).as(what + ": messages decoded before authentication")
                        .isEqualTo(handledBefore);
                assertThat(buffers.count.get()).as(what + ": frame buffers allocated before authentication")
                        .isEqualTo(buffersBefore);
            }
            assertThat(buffers.largest.get()).as(what + ": largest frame buffer").isLessThanOrEqualTo(MAX_FRAME);
            if (++iteration % CHECK_EVERY == 0) {
                legitimate.served();
            }
        }
        legitimate.served();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(server.connections()).as("connections left open").isEmpty());
        assertThat(iteration).as("cases tried within %d ms", BUDGET_MILLIS).isGreaterThan(CHECK_EVERY);
    }

    /** Sends what {@code c} calls for without authenticating; the server must close the connection. */
    private void beforeAuthentication(Case c, Random random, byte[] validFrame, byte[] capturedHandshake,
            String what) throws IOException {
        try (Socket socket = socket()) {
            OutputStream out = socket.getOutputStream();
            switch (c) {
                case RANDOM_BYTES -> out.write(randomBytes(random, 1 + random.nextInt(300)));
                case TRUNCATED_HANDSHAKE -> out.write(capturedHandshake, 0, random.nextInt(capturedHandshake.length));
                case HUGE_LENGTH_PREFIX -> out.write(lengthPrefix(hugeLength(random)));
                case FRAME_BEFORE_AUTHENTICATION -> out.write(validFrame);
                case REPLAYED_HANDSHAKE -> {
                    readGreeting(socket, what);
                    out.write(capturedHandshake);
                    out.write(validFrame);
                }
                default -> throw new IllegalArgumentException(c.toString());
            }
            out.flush();
            socket.shutdownOutput();
            assertThat(readUntilClosed(socket, what)).as(what + ": bytes the server sent beyond its greeting")
                    .isLessThanOrEqualTo(c == Case.REPLAYED_HANDSHAKE ? 0 : GREETING_BYTES);
        }
    }

    /** Authenticates properly, then breaks the framing in one of several ways; the server must close. */
    private void garbageAfterAuthentication(Random random, byte[] validFrame, String what) throws IOException {
        try (Socket socket = socket()) {
            assertThat(Handshake.connect(socket, secret, "fuzzed server",
                    System.nanoTime() + TimeUnit.SECONDS.toNanos(10))).as(what + ": authenticated").isTrue();
            socket.setSoTimeout(30_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            if (random.nextBoolean()) {
                out.write(validFrame); // something legitimate first
            }
            switch (random.nextInt(6)) {
                case 0 -> out.write(randomBytes(random, 1 + random.nextInt(300)));
                case 1 -> out.write(lengthPrefix(hugeLength(random)));
                case 2 -> { // truncated: the length promises more than follows
                    int length = 1 + random.nextInt(MAX_FRAME);
                    out.writeInt(length);
                    out.write(randomBytes(random, random.nextInt(Math.min(length, 4096))));
                }
                case 3 -> { // a valid message whose bytes from some point on are a huge length or count
                    byte[] body = Arrays.copyOfRange(validFrame, 4, validFrame.length);
                    int at = 1 + random.nextInt(body.length - 1);
                    byte[] mutated = Arrays.copyOf(body, at + 5 + random.nextInt(8));
                    writeVarint(mutated, at, random.nextBoolean() ? Integer.MAX_VALUE - random.nextInt(64)
                            : Integer.MAX_VALUE / (1 + random.nextInt(1 << 16)));
                    out.writeInt(mutated.length);
                    out.write(mutated);
                }
                case 4 -> { // a valid message with a few bytes changed
                    byte[] body = Arrays.copyOfRange(validFrame, 4, validFrame.length);
                    for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                        body[random.nextInt(body.length)] = (byte) random.nextInt();
                    }
                    out.writeInt(body.length);
                    out.write(body);
                }
                default -> { // a frame of the right length whose content is random
                    byte[] body = randomBytes(random, 1 + random.nextInt(1024));
                    out.writeInt(body.length);
                    out.write(body);
                }
            }
            out.flush();
            socket.shutdownOutput();
            readUntilClosed(socket, what);
        }
    }

    private Socket socket() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(30_000);
        return socket;
    }

    /** A real client's handshake bytes, recorded on the way out: what an eavesdropper could replay. */
    private byte[] captureHandshake() throws IOException {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        try (Socket socket = new Socket("127.0.0.1", server.port()) {
            @Override
            public OutputStream getOutputStream() throws IOException {
                return new FilterOutputStream(super.getOutputStream()) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        sent.write(b, off, len);
                        out.write(b, off, len);
                    }
                };
            }
        }) {
            assertThat(Handshake.connect(socket, secret, "fuzzed server",
                    System.nanoTime() + TimeUnit.SECONDS.toNanos(10))).isTrue();
        }
        assertThat(sent.size()).isEqualTo(Handshake.CLIENT_BYTES);
        return sent.toByteArray();
    }

    private static void readGreeting(Socket socket, String what) throws IOException {
        byte[] greeting = socket.getInputStream().readNBytes(GREETING_BYTES);
        assertThat(greeting).as(what + ": greeting").hasSize(GREETING_BYTES);
    }

    /** Reads until the server closes; the bytes read. A server that keeps the connection open fails the case. */
    private static int readUntilClosed(Socket socket, String what) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        int total = 0;
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError(what + ": the server did not close the connection", e);
        } catch (IOException e) {
            return total; // reset: closed with our bytes unread
        }
        return total;
    }

    private static int hugeLength(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> MAX_FRAME + 1 + random.nextInt(Integer.MAX_VALUE - MAX_FRAME - 1);
            case 1 -> Integer.MAX_VALUE;
            default -> random.nextInt() | Integer.MIN_VALUE; // negative
        };
    }

    /** Avro's zig-zag varint of {@code value} (5 bytes for a large int) at {@code at}. */
    private static void writeVarint(byte[] bytes, int at, int value) {
        long n = ((long) value << 1) ^ (value >> 31);
        int i = at;
        while ((n & ~0x7FL) != 0) {
            bytes[i++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        bytes[i] = (byte) n;
    }

    private static byte[] lengthPrefix(int length) {
        return new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] frame(SpecificRecord body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        new SpecificDatumWriter<>(RpcMessage.class).write(RpcMessage.newBuilder().setBody(body).build(), encoder);
        encoder.flush();
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(framed);
        out.writeInt(bytes.size());
        out.write(bytes.toByteArray());
        return framed.toByteArray();
    }

    private static RegisterExecutor register() {
        return RegisterExecutor.newBuilder().setExecutorId("fuzz").setHost("127.0.0.1").setBlockPort(1).setCores(1)
                .setMemoryBytes(1L << 30).build();
    }

    @FunctionalInterface
    private interface Check {
        void served() throws Exception;
    }

    private void rpcClientIsServed() throws Exception {
        CompletableFuture<RpcMessage> reply = new CompletableFuture<>();
        try (RpcConnection client = RpcConnection.connect("127.0.0.1", server.port(), secret, SETTINGS,
                (c, m) -> reply.complete(m))) {
            client.send(register());
            assertThat(reply.get(30, TimeUnit.SECONDS).getBody()).isInstanceOf(ExecutorRegistered.class);
        }
    }

    private void blockClientIsServed() throws Exception {
        BlockFetches fetches = new BlockFetches(30_000);
        try (RpcConnection client = RpcConnection.connect("127.0.0.1", server.port(), secret, SETTINGS,
                new RpcHandler() {
                    @Override
                    public void onMessage(RpcConnection connection, RpcMessage message) {
                        try {
                            fetches.accept(message);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }

                    @Override
                    public void onClose(RpcConnection connection, String reason) {
                        fetches.failAll(reason);
                    }
                });
                InputStream block = fetches.open(client, FetchRequest.newBuilder().setKind(BlockKind.BROADCAST)
                        .setId(3000))) {
            assertThat(block.readAllBytes()).isEqualTo(block(3000));
        }
    }

    /** Blocks 0..100000 exist and hold {@code id} bytes; others are an error reported to the requester. */
    private InputStream openBlock(FetchRequest request) throws IOException {
        if (request.getId() < 0 || request.getId() > 100_000) {
            throw new IOException("no block " + request.getId());
        }
        return new ByteArrayInputStream(block(request.getId()));
    }

    private static byte[] block(long id) {
        byte[] bytes = new byte[(int) id];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7 + id);
        }
        return bytes;
    }
}
