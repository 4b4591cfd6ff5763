package dev.spindle.executor;

/** Fetches the serialized value of a broadcast variable from the driver. */
@FunctionalInterface
public interface BroadcastSource {
    byte[] fetch(long broadcastId);
}
