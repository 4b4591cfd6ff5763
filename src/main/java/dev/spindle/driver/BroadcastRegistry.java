package dev.spindle.driver;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The driver's broadcast values, serialized once; executors fetch each once and cache it. */
public final class BroadcastRegistry {
    private final Map<Long, byte[]> values = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();

    public long register(byte[] serialized) {
        long id = nextId.getAndIncrement();
        values.put(id, serialized);
        return id;
    }

    public byte[] fetch(long id) {
        byte[] bytes = values.get(id);
        if (bytes == null) {
            throw new SpindleException(ErrorCode.INVALID_ARGUMENT, "broadcast " + id
                    + " was destroyed or never existed; do not use a broadcast after destroy()");
        }
        return bytes;
    }

    public void remove(long id) {
        values.remove(id);
    }

    public int size() {
        return values.size();
    }
}
