package dev.spindle.scheduler.dag;

import java.util.concurrent.CompletableFuture;

/** One running action: which output partitions are done, where results go, and its future. */
final class ActiveJob {
    private final int id;
    private final ResultStage finalStage;
    private final ResultHandler handler;
    private final boolean[] finished;
    private final CompletableFuture<Void> future = new CompletableFuture<>();
    private int numFinished;
    private long resultBytes;

    /** Receives the result of output partition {@code index} (position in the job's partition list). */
    @FunctionalInterface
    interface ResultHandler {
        void taskSucceeded(int index, Object result);
    }

    ActiveJob(int id, ResultStage finalStage, ResultHandler handler) {
        this.id = id;
        this.finalStage = finalStage;
        this.handler = handler;
        this.finished = new boolean[finalStage.partitions().size()];
    }

    int id() {
        return id;
    }

    ResultStage finalStage() {
        return finalStage;
    }

    ResultHandler handler() {
        return handler;
    }

    CompletableFuture<Void> future() {
        return future;
    }

    boolean isFinished(int index) {
        return finished[index];
    }

    /** Marks output {@code index} done; false if it already was. */
    boolean markFinished(int index) {
        if (finished[index]) {
            return false;
        }
        finished[index] = true;
        numFinished++;
        return true;
    }

    boolean allFinished() {
        return numFinished == finished.length;
    }

    long addResultBytes(long bytes) {
        resultBytes += bytes;
        return resultBytes;
    }

    @Override
    public String toString() {
        return "job " + id;
    }
}
