package dev.spindle.cluster;

import dev.spindle.common.ExecutorId;
import dev.spindle.rpc.AppSecret;
import java.util.Optional;

/**
 * Obtains executor processes for a {@link ClusterBackend} and ends them: local JVMs for local-cluster, YARN
 * containers for yarn. The backend does everything else (registration, tasks, liveness).
 */
public interface ExecutorProvisioner extends AutoCloseable {
    /** Where executors find the driver: its RPC address and the files they read at start. */
    record DriverEndpoint(String host, int port, String secretFile, String confFile) {
    }

    /** What a provisioner reports back; callable from any thread. */
    interface Callbacks {
        /** Executor {@code id}'s process ended; {@code reason} says how (exit code, signal, last stderr lines). */
        void executorExited(ExecutorId id, String reason);

        /** No more executors will come: {@code reason} names the limit that was reached. */
        void gaveUp(String reason);
    }

    /**
     * The application secret executors will authenticate with, when the provisioner's deployment fixes it (YARN
     * hands it to the ApplicationMaster in its credentials, so that every attempt shares it); empty: the backend
     * generates one.
     */
    default Optional<AppSecret> appSecret() {
        return Optional.empty();
    }

    /**
     * Preferred host to number of tasks waiting for it (see {@code SchedulerBackend.pendingTasksByHost}), for
     * provisioners that can ask for executors on particular hosts.
     */
    default void pendingTasksByHost(java.util.Map<String, Integer> tasksPerHost) {
    }

    /** Starts the initial executors. */
    void start(DriverEndpoint endpoint, Callbacks callbacks);

    /** Task slots the initial executors will offer, for the default parallelism before they register. */
    int expectedCores();

    /**
     * True when an executor registering as {@code id} from {@code containerId} (empty outside YARN) was started by
     * this provisioner, or by an earlier ApplicationMaster attempt whose containers it adopted, and has not ended.
     */
    boolean launched(ExecutorId id, String containerId);

    /** Ends executor {@code id} now (it stopped answering). */
    void kill(ExecutorId id);

    /**
     * Keeps this many executors running or starting (dynamic allocation): starts more when fewer are, withdraws
     * requests not yet granted when more are; ends no running executor. False when this provisioner cannot.
     */
    default boolean requestTotal(int total) {
        return false;
    }

    /**
     * The most executors the cluster could give now, those running or starting included (YARN: its containers plus
     * what the queue's headroom can hold); {@link Integer#MAX_VALUE} when it does not say.
     */
    default int executorLimit() {
        return Integer.MAX_VALUE;
    }

    /**
     * Gives executor {@code id} back (dynamic allocation released it, and it was told to stop): its end is no
     * failure, is not reported through {@link Callbacks#executorExited}, and it is not replaced.
     */
    default void release(ExecutorId id, String reason) {
        kill(id);
    }

    /**
     * True when one executor should write a class data sharing archive as it stops (YARN: its executors were started
     * able to, and none exists yet); the backend then asks one and waits for it before {@link #close}.
     */
    default boolean wantsClassArchive() {
        return false;
    }

    /** Ends every executor still running, after giving them a short time to exit on their own. */
    @Override
    void close();
}
