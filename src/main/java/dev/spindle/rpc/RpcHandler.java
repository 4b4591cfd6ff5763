package dev.spindle.rpc;

import dev.spindle.rpc.message.RpcMessage;

/** Receives the messages of a connection, on that connection's reader thread, in order. */
public interface RpcHandler {
    void onMessage(RpcConnection connection, RpcMessage message);

    /** The connection closed: {@code reason} says why (the peer left, a protocol violation, {@link RpcConnection#close}). */
    default void onClose(RpcConnection connection, String reason) {
    }
}
