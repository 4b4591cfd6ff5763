package dev.spindle.plan;

/**
 * A handle on a broadcast value, as closures capture it: the value travels apart, by id. Recovery's fingerprints
 * look the value's bytes up by this id, so that a changed broadcast value changes the lineage's fingerprint.
 */
public interface BroadcastReference {
    long id();
}
