package dev.spindle.shuffle;

/** A reducer could not read one map output; the scheduler recomputes it instead of retrying the reducer blindly. */
public final class FetchFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int shuffleId;
    private final int mapPartition;
    private final String location;

    public FetchFailedException(int shuffleId, int mapPartition, String location, String message, Throwable cause) {
        super("shuffle " + shuffleId + ", map output " + mapPartition + " at " + location + ": " + message, cause);
        this.shuffleId = shuffleId;
        this.mapPartition = mapPartition;
        this.location = location;
    }

    public int shuffleId() {
        return shuffleId;
    }

    public int mapPartition() {
        return mapPartition;
    }

    public String location() {
        return location;
    }
}
