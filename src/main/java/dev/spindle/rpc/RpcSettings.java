package dev.spindle.rpc;

import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;

/**
 * Limits of every RPC connection.
 *
 * @param maxFrameBytes a frame above this closes the connection ({@code spindle.rpc.maxFrameSize})
 * @param handshakeTimeoutMillis a peer that has not authenticated within this is disconnected
 * @param connectTimeoutMillis how long a client waits for the TCP connection, and for a busy server
 * @param maxUnauthenticated connections a server lets wait for authentication at once; more are refused at once
 */
public record RpcSettings(int maxFrameBytes, int handshakeTimeoutMillis, int connectTimeoutMillis,
        int maxUnauthenticated) {
    public RpcSettings {
        SpindleException.checkArgument(maxFrameBytes > 0, "maxFrameBytes must be positive, got %d", maxFrameBytes);
        SpindleException.checkArgument(handshakeTimeoutMillis > 0, "handshake timeout must be positive, got %d ms",
                handshakeTimeoutMillis);
        SpindleException.checkArgument(connectTimeoutMillis > 0, "connect timeout must be positive, got %d ms",
                connectTimeoutMillis);
        SpindleException.checkArgument(maxUnauthenticated > 0, "maxUnauthenticated must be positive, got %d",
                maxUnauthenticated);
    }

    public static RpcSettings from(SpindleConf conf) {
        return new RpcSettings((int) Math.min(Integer.MAX_VALUE - 8, conf.get(SpindleConfig.RPC_MAX_FRAME_SIZE)),
                (int) conf.get(SpindleConfig.RPC_HANDSHAKE_TIMEOUT).toMillis(),
                (int) conf.get(SpindleConfig.RPC_CONNECT_TIMEOUT).toMillis(),
                conf.get(SpindleConfig.RPC_MAX_UNAUTHENTICATED_CONNECTIONS));
    }
}
