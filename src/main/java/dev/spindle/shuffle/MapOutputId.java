package dev.spindle.shuffle;

/** One map task's output of one shuffle, as its files are named on the executor that wrote them. */
public record MapOutputId(int shuffleId, long mapTaskId) {
}
