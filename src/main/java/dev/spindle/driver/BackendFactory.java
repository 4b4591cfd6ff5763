package dev.spindle.driver;

import dev.spindle.scheduler.spi.SchedulerBackend;

/**
 * Builds a driver's scheduler backend from the driver's parts. The composition root chooses it: {@link
 * LocalBackends} for {@code local[N]} and {@code local-cluster[...]}, the ApplicationMaster's for YARN.
 */
@FunctionalInterface
public interface BackendFactory {
    SchedulerBackend create(BackendContext driver);
}
