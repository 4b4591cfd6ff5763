package dev.spindle.cluster;

import static java.util.Objects.requireNonNull;

import dev.spindle.executor.ContainerLogUrls;
import dev.spindle.executor.ExecutorMain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The one place that builds an executor JVM's command line and environment, for local-cluster processes and YARN
 * containers alike; they differ only in the values (paths, the java executable, the class path).
 *
 * @param java the java executable ({@code $JAVA_HOME/bin/java}, or YARN's {@code {{JAVA_HOME}}/bin/java})
 * @param heapMb executor heap in MiB ({@code -Xmx})
 * @param classPath the executor's class path, Spindle's jars and the application's; empty to take it from the
 *     {@code CLASSPATH} environment variable (YARN containers)
 * @param extraJavaOptions {@code spindle.executor.extraJavaOptions}, split on spaces
 * @param systemProperties {@code -Dkey=value} options, for example the Log4j 2 configuration file
 * @param secretFile the file holding the application secret; null when the secret is in the process's Hadoop
 *     credentials ({@code HADOOP_TOKEN_FILE_LOCATION}, as YARN gives containers)
 */
public record ExecutorCommand(String java, int heapMb, String classPath, String extraJavaOptions,
        Map<String, String> systemProperties, String driverHost, int driverPort, String executorId, String host,
        int cores, String secretFile, String confFile, String localDir) {
    /** See {@link ExecutorMain#DRIVER_ENDPOINT_FILE_ENV}. */
    public static final String DRIVER_ENDPOINT_FILE_ENV = ExecutorMain.DRIVER_ENDPOINT_FILE_ENV;
    /** See {@link ContainerLogUrls#NM_WEB_SCHEME_ENV}. */
    public static final String NM_WEB_SCHEME_ENV = ContainerLogUrls.NM_WEB_SCHEME_ENV;

    public static final String MAIN_CLASS = "dev.spindle.executor.ExecutorMain";

    public ExecutorCommand {
        requireNonNull(java, "java is null");
        requireNonNull(classPath, "classPath is null");
        requireNonNull(systemProperties, "systemProperties is null");
        requireNonNull(driverHost, "driverHost is null");
        requireNonNull(executorId, "executorId is null");
        requireNonNull(host, "host is null");
        requireNonNull(confFile, "confFile is null");
        requireNonNull(localDir, "localDir is null");
        if (extraJavaOptions != null && extraJavaOptions.matches(".*(^|\\s)-Xmx\\S*.*")) {
            throw new IllegalArgumentException("spindle.executor.extraJavaOptions must not set -Xmx ("
                    + extraJavaOptions + "); set spindle.executor.memory instead");
        }
    }

    /** The command line: no secret on it, ever (the secret travels in {@code secretFile}). */
    public List<String> commandLine() {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("-Xmx" + heapMb + "m");
        command.add("-XX:+ExitOnOutOfMemoryError");
        if (extraJavaOptions != null && !extraJavaOptions.isBlank()) {
            command.addAll(Arrays.asList(extraJavaOptions.strip().split("\\s+")));
        }
        systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        if (!classPath.isEmpty()) {
            command.add("-cp");
            command.add(classPath);
        }
        command.add(MAIN_CLASS);
        command.addAll(List.of("--driver", driverHost + ":" + driverPort, "--executor-id", executorId,
                "--host", host, "--cores", Integer.toString(cores)));
        if (secretFile != null) {
            command.addAll(List.of("--secret-file", secretFile));
        } else {
            command.add("--secret-from-credentials");
        }
        command.addAll(List.of("--conf-file", confFile, "--local-dir", localDir));
        return command;
    }

    /** Environment variables the executor needs beyond its launcher's; none carry secrets. */
    public Map<String, String> environment() {
        return Map.of("SPINDLE_EXECUTOR_ID", executorId);
    }
}
