package dev.spindle.plan;

/** Where a persisted dataset keeps its computed partitions. */
public enum StorageLevel {
    /** Not persisted: recomputed from lineage each time. */
    NONE(false, false, false),
    /** Objects on the heap; partitions evicted for lack of memory are recomputed from lineage. */
    MEMORY_ONLY(true, false, true),
    /** Serialized bytes on the heap: smaller, costs deserialization on each read. */
    MEMORY_ONLY_SER(true, false, false),
    /** Objects on the heap; partitions that do not fit or are evicted go to local disk. */
    MEMORY_AND_DISK(true, true, true),
    /** Serialized on the heap, spilling to local disk. */
    MEMORY_AND_DISK_SER(true, true, false),
    /** Serialized on local disk only. */
    DISK_ONLY(false, true, false);

    private final boolean useMemory;
    private final boolean useDisk;
    private final boolean deserialized;

    StorageLevel(boolean useMemory, boolean useDisk, boolean deserialized) {
        this.useMemory = useMemory;
        this.useDisk = useDisk;
        this.deserialized = deserialized;
    }

    public boolean useMemory() {
        return useMemory;
    }

    public boolean useDisk() {
        return useDisk;
    }

    /** True when the memory tier holds objects rather than serialized bytes. */
    public boolean deserialized() {
        return deserialized;
    }
}
