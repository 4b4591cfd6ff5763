package dev.spindle.driver;

import static java.util.Objects.requireNonNull;

import dev.spindle.cluster.ClusterBackend;
import dev.spindle.config.SpindleConf;
import dev.spindle.plan.CommitArbiter;
import dev.spindle.scheduler.spi.CacheLocations;
import dev.spindle.scheduler.spi.ListenerBus;
import dev.spindle.serde.ClosureSerializer;
import dev.spindle.serde.RecordSerializer;
import dev.spindle.shuffle.MapOutputTracker;
import dev.spindle.shuffle.ReturnedShuffleOutputs;
import java.nio.file.Path;

/**
 * The parts of a driver that a scheduler backend is built from: what executors in the driver's JVM run against,
 * and what the driver serves to executor processes.
 *
 * @param conf the driver's configuration
 * @param classLoader loads the application's classes
 * @param localDir the driver's local directory (deleted when it stops)
 * @param host this machine's host name
 * @param returnedOutputs the map outputs that executors of an earlier ApplicationMaster attempt bring back
 * @param commits the output-commit coordinator that executors ask before committing task output
 */
public record BackendContext(SpindleConf conf, ClassLoader classLoader, Path localDir, String host, ListenerBus bus,
        MapOutputTracker tracker, CacheLocations cacheLocations, BroadcastRegistry broadcasts,
        ClosureSerializer closures, RecordSerializer serializer, ReturnedShuffleOutputs returnedOutputs,
        CommitArbiter commits) {
    public BackendContext {
        requireNonNull(conf, "conf is null");
        requireNonNull(classLoader, "classLoader is null");
        requireNonNull(localDir, "localDir is null");
        requireNonNull(host, "host is null");
        requireNonNull(bus, "bus is null");
        requireNonNull(tracker, "tracker is null");
        requireNonNull(cacheLocations, "cacheLocations is null");
        requireNonNull(broadcasts, "broadcasts is null");
        requireNonNull(closures, "closures is null");
        requireNonNull(serializer, "serializer is null");
        requireNonNull(returnedOutputs, "returnedOutputs is null");
        requireNonNull(commits, "commits is null");
    }

    /** What a {@link ClusterBackend} needs from this driver. */
    public ClusterBackend.Services clusterServices() {
        return new ClusterBackend.Services(conf, classLoader, localDir, host, broadcasts::fetch, tracker, serializer,
                cacheLocations, returnedOutputs, commits);
    }
}
