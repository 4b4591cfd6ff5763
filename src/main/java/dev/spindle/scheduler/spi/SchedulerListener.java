package dev.spindle.scheduler.spi;

/** Receives scheduler events; called on the scheduler's listener-bus thread, never concurrently. */
@FunctionalInterface
public interface SchedulerListener {
    void onEvent(SchedulerEvent event);
}
