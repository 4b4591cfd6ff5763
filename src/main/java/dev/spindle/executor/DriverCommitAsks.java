package dev.spindle.executor;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import dev.spindle.common.TaskAttemptId;
import dev.spindle.plan.CommitArbiter;
import dev.spindle.rpc.RpcConnection;
import dev.spindle.rpc.RpcException;
import dev.spindle.rpc.message.AskCommit;
import dev.spindle.rpc.message.CommitAnswer;
import dev.spindle.rpc.message.RpcMessage;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * An executor process's way to the driver's output-commit coordinator: each ask is an {@link AskCommit} on the
 * driver connection, answered by a {@link CommitAnswer} with the same request id. A task waits for its answer up to
 * {@code spindle.network.timeout}; an answer that does not come, or a connection that closes meanwhile, fails the
 * task (it never commits without the driver's word).
 */
final class DriverCommitAsks implements CommitArbiter {
    private final Supplier<RpcConnection> driver;
    private final long timeoutMillis;
    private final AtomicLong nextRequestId = new AtomicLong();
    private final Map<Long, CompletableFuture<Boolean>> pending = new ConcurrentHashMap<>();

    DriverCommitAsks(Supplier<RpcConnection> driver, long timeoutMillis) {
        this.driver = requireNonNull(driver, "driver is null");
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public boolean canCommit(TaskAttemptId attempt) {
        long requestId = nextRequestId.incrementAndGet();
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        pending.put(requestId, answer);
        try {
            RpcConnection connection = driver.get();
            if (connection == null) {
                throw new RpcException("not connected to a driver");
            }
            connection.send(AskCommit.newBuilder().setRequestId(requestId).setTaskId(attempt.taskId())
                    .setStageId(attempt.stageId()).setStageAttempt(attempt.stageAttempt())
                    .setPartition(attempt.partition()).setAttempt(attempt.attempt()).build());
            return answer.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (RpcException | ExecutionException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot ask the driver whether " + attempt
                    + " may commit its output: " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "the driver did not answer whether " + attempt
                    + " may commit its output within " + timeoutMillis + " ms (spindle.network.timeout)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpindleException(ErrorCode.CANCELLED, attempt + " was stopped while it waited to commit", e);
        } finally {
            pending.remove(requestId);
        }
    }

    /** Completes the ask that {@code message} answers; false when it is no {@link CommitAnswer}. */
    boolean accept(RpcMessage message) {
        if (!(message.getBody() instanceof CommitAnswer answer)) {
            return false;
        }
        CompletableFuture<Boolean> waiting = pending.get(answer.getRequestId());
        if (waiting != null) {
            waiting.complete(answer.getAllowed());
        }
        return true;
    }

    /** The driver connection closed: every waiting ask fails with {@code reason}. */
    void failAll(String reason) {
        pending.values().forEach(answer -> answer.completeExceptionally(new RpcException(reason)));
    }
}
