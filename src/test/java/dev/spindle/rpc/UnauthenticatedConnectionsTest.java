package dev.spindle.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spindle.rpc.message.ExecutorRegistered;
import dev.spindle.rpc.message.RegisterExecutor;
import dev.spindle.rpc.message.RpcMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Peers that never finish authenticating cost the server a bounded number of threads, for a bounded time, and do
 * not lock out a client that knows the secret.
 */
@Timeout(60)
class UnauthenticatedConnectionsTest {
    private static final int PEERS = 500;
    private static final int CAP = 16;
    private static final int DEADLINE_MILLIS = 1_000;
    /** Scheduling slack on a loaded 2-core machine: still far below the minutes a trickling peer held before. */
    private static final long SLACK_MILLIS = 3_000;
    private static final RpcSettings SETTINGS = new RpcSettings(64 * 1024, DEADLINE_MILLIS, 30_000, CAP);
    private static final byte[] TRICKLE = "SPINDLE1".getBytes(StandardCharsets.US_ASCII);

    private final AppSecret secret = AppSecret.generate();
    private final AtomicInteger messages = new AtomicInteger();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private RpcServer server;

    @AfterEach
    void stop() {
        ticker.shutdownNow();
        if (server != null) {
            server.close();
        }
    }

    /** One hostile peer: sends a byte per tick, never the whole handshake. */
    private static final class Trickler {
        final SocketChannel channel;
        final long openedNanos = System.nanoTime();
        final ByteBuffer greeting = ByteBuffer.allocate(8);
        volatile long closedNanos;
        int sent;

        Trickler(SocketChannel channel) {
            this.channel = channel;
        }

        boolean closed() {
            return closedNanos != 0;
        }

        /** Sends the next byte and notices the server's close; called on the ticker thread only. */
        void tick() {
            if (closed()) {
                return;
            }
            try {
                ByteBuffer in = ByteBuffer.allocate(256);
                int n;
                while ((n = channel.read(in)) > 0) {
                    in.flip();
                    while (in.hasRemaining() && greeting.hasRemaining()) {
                        greeting.put(in.get());
                    }
                    in.clear();
                }
                if (n < 0) {
                    end();
                    return;
                }
                channel.write(ByteBuffer.wrap(TRICKLE, sent++ % TRICKLE.length, 1));
            } catch (IOException e) {
                end(); // reset by the server
            }
        }

        void end() {
            closedNanos = System.nanoTime();
            try {
                channel.close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        boolean toldBusy() {
            return Arrays.equals(Arrays.copyOf(greeting.array(), greeting.position()), Handshake.BUSY);
        }

        long heldMillis() {
            return TimeUnit.NANOSECONDS.toMillis(closedNanos - openedNanos);
        }
    }

    @Test
    void tricklingPeersAreClosedByTheDeadlineOnBoundedThreadsAndAGoodClientStillGetsIn() throws Exception {
        server = RpcServer.start("127.0.0.1", 0, secret, SETTINGS, (connection, message) -> {
            messages.incrementAndGet();
            connection.send(ExecutorRegistered.newBuilder().setAccepted(true).build());
        });
        List<Trickler> peers = new ArrayList<>();
        for (int i = 0; i < PEERS; i++) {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
            channel.configureBlocking(false);
            peers.add(new Trickler(channel));
        }
        AtomicInteger mostHandshakeThreads = new AtomicInteger();
        ticker.scheduleWithFixedDelay(() -> {
            peers.forEach(Trickler::tick);
            mostHandshakeThreads.accumulateAndGet(handshakeThreads(), Math::max);
        }, 0, 100, TimeUnit.MILLISECONDS);

        // While they trickle, a client with the secret connects (retrying while the server is full) and is served.
        CompletableFuture<RpcMessage> reply = new CompletableFuture<>();
        CompletableFuture<RpcConnection> good = CompletableFuture.supplyAsync(() -> RpcConnection.connect(
                "127.0.0.1", server.port(), secret, SETTINGS, (c, m) -> reply.complete(m)));
        RpcConnection connection = good.get(30, TimeUnit.SECONDS);
        try {
            connection.send(RegisterExecutor.newBuilder().setExecutorId("good").setHost("127.0.0.1")
                    .setBlockPort(1).setCores(1).setMemoryBytes(1L << 30).build());
            assertThat(reply.get(30, TimeUnit.SECONDS).getBody()).isInstanceOf(ExecutorRegistered.class);
        } finally {
            connection.close();
        }

        await().atMost(Duration.ofMillis(DEADLINE_MILLIS + SLACK_MILLIS + 10_000))
                .until(() -> peers.stream().allMatch(Trickler::closed));
        ticker.shutdownNow();
        ticker.awaitTermination(10, TimeUnit.SECONDS);
        assertThat(peers).allSatisfy(peer -> assertThat(peer.heldMillis())
                .as("held for at most the handshake deadline").isLessThanOrEqualTo(DEADLINE_MILLIS + SLACK_MILLIS));
        assertThat(peers.stream().filter(Trickler::toldBusy).count()).as("refused at once: the cap was reached")
                .isGreaterThanOrEqualTo(PEERS / 2L);
        assertThat(mostHandshakeThreads.get()).as("handshake threads").isPositive().isLessThanOrEqualTo(CAP);
        assertThat(messages.get()).as("only the good client's message was decoded").isEqualTo(1);
    }

    private int handshakeThreads() {
        String prefix = RpcServer.HANDSHAKE_THREAD_PREFIX + server.port() + "-";
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }
}
