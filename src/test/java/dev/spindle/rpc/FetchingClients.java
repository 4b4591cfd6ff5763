package dev.spindle.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.rpc.message.RpcMessage;

/** The requesting side of the block fetch tests: a client connection whose messages all go to its fetches. */
final class FetchingClients {
    private FetchingClients() {
    }

    /** Connects to {@code port}; every message must be a fetch answer, and a closed connection fails the fetches. */
    static RpcConnection connect(int port, AppSecret secret, RpcSettings settings, BlockFetches fetches) {
        return RpcConnection.connect("127.0.0.1", port, secret, settings, new RpcHandler() {
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
}
