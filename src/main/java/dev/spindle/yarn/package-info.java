/**
 * Spindle on YARN, the only package that imports YARN APIs: {@code client} (validate, stage files on the default
 * file system, submit the ApplicationMaster, monitor), {@code am} (the ApplicationMaster hosting the driver),
 * {@code allocator} (executor containers: requests, launches, classified exits) and {@code mini} (the embedded
 * YARN + HDFS cluster for tests and the quick start).
 */
package dev.spindle.yarn;
