package dev.spindle.cluster;

import static java.util.Objects.requireNonNull;

import dev.spindle.config.SpindleConf;
import dev.spindle.scheduler.spi.ListenerBus;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a driver whose master is an external cluster manager ({@code yarn}) gets its executors. The process that
 * hosts such a driver (the YARN ApplicationMaster) installs a factory before it runs the user's {@code main}; the
 * driver, which may not know YARN, asks for it here. One per JVM, as there is one ApplicationMaster per JVM.
 */
public final class ExternalClusterManager {
    /** Makes the provisioner of one driver. */
    public interface Factory {
        /**
         * @param conf the driver's configuration
         * @param localDir the driver's local directory
         * @param events the driver's scheduler events (for example to report progress to the cluster manager)
         */
        ExecutorProvisioner create(SpindleConf conf, Path localDir, ListenerBus events);
    }

    private static volatile Factory installed;

    private ExternalClusterManager() {
    }

    public static void install(Factory factory) {
        installed = requireNonNull(factory, "factory is null");
    }

    public static void uninstall() {
        installed = null;
    }

    public static Optional<Factory> installed() {
        return Optional.ofNullable(installed);
    }
}
