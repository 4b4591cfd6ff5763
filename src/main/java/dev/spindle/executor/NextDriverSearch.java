package dev.spindle.executor;

import static java.util.Objects.requireNonNull;

import dev.spindle.config.SpindleConf;
import dev.spindle.io.DriverEndpointFile;
import dev.spindle.rpc.RpcException;
import dev.spindle.rpc.message.ExecutorRegistered;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * An executor's search for its next driver after the one it served was lost: every second until a deadline, it
 * reads the address the next ApplicationMaster attempt publishes ({@link DriverEndpointFile}) and registers there.
 * The lost driver's own address is tried too, quietly (a dropped connection may leave that driver alive). It ends
 * when a driver accepts, when a new one refuses, or at the deadline.
 */
final class NextDriverSearch {
    private static final Logger LOG = LogManager.getLogger(NextDriverSearch.class);

    /** What the search does to the executor. */
    interface Executor {
        /** Connects to {@code host:port} and registers as a returning executor; completes with the answer. */
        CompletableFuture<ExecutorRegistered> registerWith(String host, int port);

        /** Closes the connection of a registration that failed. */
        void abandonConnection();

        /** Ends the executor process with {@code code}. */
        void stop(int code, String reason);

        boolean stopped();
    }

    private final String executorId;
    private final String endpointFile;
    private final SpindleConf conf;
    private final String lostAddress;
    private final long timeoutMillis;
    private final long deadlineNanos;
    private final long registrationTimeoutMillis;
    private final Executor executor;
    private final CompletableFuture<String> found = new CompletableFuture<>();
    private volatile ScheduledFuture<?> task;

    NextDriverSearch(String executorId, String endpointFile, SpindleConf conf, String lostAddress, long timeoutMillis,
            long registrationTimeoutMillis, Executor executor) {
        this.executorId = requireNonNull(executorId, "executorId is null");
        this.endpointFile = requireNonNull(endpointFile, "endpointFile is null");
        this.conf = requireNonNull(conf, "conf is null");
        this.lostAddress = requireNonNull(lostAddress, "lostAddress is null");
        this.timeoutMillis = timeoutMillis;
        this.deadlineNanos = System.nanoTime() + timeoutMillis * 1_000_000;
        this.registrationTimeoutMillis = registrationTimeoutMillis;
        this.executor = requireNonNull(executor, "executor is null");
    }

    /** Looks now and then every second on {@code timers}. */
    void start(ScheduledExecutorService timers) {
        task = timers.scheduleWithFixedDelay(this::look, 0, 1, TimeUnit.SECONDS);
    }

    /** Completes with the new driver's address once one accepted the executor. */
    CompletableFuture<String> found() {
        return found;
    }

    private void look() {
        try {
            lookOnce();
        } catch (RuntimeException e) {
            LOG.warn("Executor {} failed looking for its next driver (it keeps looking): {}", executorId,
                    e.toString());
        }
    }

    private void end() {
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
        }
    }

    private void lookOnce() {
        if (found.isDone() || executor.stopped()) {
            end();
            return;
        }
        if (System.nanoTime() > deadlineNanos) {
            end();
            executor.stop(ExecutorProcess.EXIT_DRIVER_LOST, "no new driver appeared in " + endpointFile + " within "
                    + "spindle.recovery.executorReconnectTimeout=" + timeoutMillis + "ms after the driver at "
                    + lostAddress + " was lost");
            return;
        }
        Optional<DriverEndpointFile> endpoint;
        try {
            endpoint = DriverEndpointFile.read(endpointFile, conf);
        } catch (IOException e) {
            LOG.debug("Cannot read {} yet: {}", endpointFile, e.toString());
            return;
        }
        if (endpoint.isEmpty()) {
            return;
        }
        DriverEndpointFile next = endpoint.get();
        String address = next.host() + ":" + next.port();
        boolean lost = address.equals(lostAddress);
        try {
            ExecutorRegistered answer = executor.registerWith(next.host(), next.port())
                    .get(registrationTimeoutMillis, TimeUnit.MILLISECONDS);
            if (!answer.getAccepted()) {
                executor.abandonConnection();
                if (lost) {
                    LOG.debug("The lost driver at {} refused executor {}: {}", lostAddress, executorId,
                            answer.getReason());
                    return;
                }
                end();
                executor.stop(ExecutorProcess.EXIT_REFUSED, "ApplicationMaster attempt " + next.attempt()
                        + " refused this executor: " + answer.getReason());
                return;
            }
        } catch (RpcException | ExecutionException | TimeoutException e) {
            executor.abandonConnection();
            if (lost) {
                LOG.debug("The lost driver at {} does not answer: {}", lostAddress, e.toString());
            } else {
                LOG.warn("Executor {} cannot register with the driver of attempt {} at {} yet: {}", executorId,
                        next.attempt(), address, e.toString());
            }
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        end();
        LOG.info("Executor {} registered with the driver of ApplicationMaster attempt {} at {}, keeping its shuffle "
                + "output and cached partitions", executorId, next.attempt(), address);
        found.complete(address);
    }
}
