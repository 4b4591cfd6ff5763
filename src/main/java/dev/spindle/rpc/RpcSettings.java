package dev.spindle.rpc;

import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;

/**
 * Limits of every RPC connection.
 *
 * @param maxFrameBytes a frame above this closes the connection ({@code spindle.rpc.maxFrameSize})
 * @param handshakeTimeoutMillis a peer that has not authenticated within this is disconnected
 * @param connectTimeoutMillis how long a client waits for the TCP connection
 */
public record RpcSettings(int maxFrameBytes, int handshakeTimeoutMillis, int connectTimeoutMillis) {
    public RpcSettings {
        SpindleException.checkArgument(maxFrameBytes > 0, "maxFrameBytes must be positive, got %d", maxFrameBytes);
        SpindleException.checkArgument(handshakeTimeoutMillis > 0, "handshake timeout must be positive");
        SpindleException.checkArgument(connectTimeoutMillis > 0, "connect timeout must be positive");
    }

    public static RpcSettings from(SpindleConf conf) {
        return new RpcSettings((int) Math.min(Integer.MAX_VALUE - 8, conf.get(SpindleConfig.RPC_MAX_FRAME_SIZE)),
                (int) conf.get(SpindleConfig.RPC_HANDSHAKE_TIMEOUT).toMillis(),
                (int) conf.get(SpindleConfig.RPC_CONNECT_TIMEOUT).toMillis());
    }
}
