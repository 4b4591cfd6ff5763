/**
 * Serializable functional interfaces: the types of the lambdas users pass to Spindle's dataset API.
 * They may throw checked exceptions; a task that throws fails its attempt and, after retries, its job
 * with the exception's class and message.
 */
package dev.spindle.function;
