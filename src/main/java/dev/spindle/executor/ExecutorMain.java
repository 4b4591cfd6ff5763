package dev.spindle.executor;

import dev.spindle.common.ExecutorId;
import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.rpc.AppSecret;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;

/**
 * Entry point of an executor JVM, as the driver (local-cluster) or a YARN container launches it:
 *
 * <pre>
 * java ... dev.spindle.executor.ExecutorMain --driver HOST:PORT --executor-id ID --host HOST --cores N
 *     (--secret-file FILE | --secret-from-credentials) --conf-file FILE --local-dir DIR
 * </pre>
 *
 * The application secret is read from a file or from the process's Hadoop credentials (the token file YARN gives
 * a container), never from an argument or an environment variable; the resolved configuration from a file. Exits with {@link ExecutorProcess}'s exit codes; always through
 * {@link System#exit}, so that a thread left behind by user code cannot keep the JVM alive.
 */
public final class ExecutorMain {
    /**
     * The environment variable naming the file where a later ApplicationMaster attempt publishes its driver's
     * address; set for YARN executors, which then outlive their driver for {@code
     * spindle.recovery.executorReconnectTimeout}.
     */
    public static final String DRIVER_ENDPOINT_FILE_ENV = "SPINDLE_DRIVER_ENDPOINT_FILE";
    /**
     * The environment variable listing the application's jars (separated by {@link java.io.File#pathSeparator},
     * relative to the working directory) that the executor loads in a class loader of its own, as the
     * ApplicationMaster does: YARN containers keep them off the JVM's class path so that a class data sharing
     * archive of Spindle's classes stays valid for every application.
     */
    public static final String USER_CLASS_PATH_ENV = "SPINDLE_USER_CLASS_PATH";

    static final List<String> FLAGS = List.of("--driver", "--executor-id", "--host", "--cores", "--secret-file",
            "--conf-file", "--local-dir");
    static final String SECRET_FROM_CREDENTIALS = "--secret-from-credentials";

    private ExecutorMain() {
    }

    public static void main(String[] args) {
        int code;
        try {
            Thread.currentThread().setContextClassLoader(applicationLoader(System.getenv(USER_CLASS_PATH_ENV)));
            code = new ExecutorProcess(parse(args)).run();
        } catch (SpindleException | IllegalArgumentException e) {
            System.err.println("spindle executor: " + e.getMessage());
            code = ExecutorProcess.EXIT_BAD_ARGUMENTS;
        } catch (Throwable t) {
            LogManager.getLogger(ExecutorMain.class).fatal("Executor failed", t);
            code = ExecutorProcess.EXIT_BAD_ARGUMENTS;
        }
        LogManager.shutdown();
        System.exit(code);
    }

    /**
     * The loader of the application's classes: this JVM's class path, plus the jars in {@code userClassPath} (null
     * or empty: none) in a child loader that asks its parent first. Every thread the executor starts inherits it.
     */
    static ClassLoader applicationLoader(String userClassPath) {
        ClassLoader parent = ExecutorMain.class.getClassLoader();
        if (userClassPath == null || userClassPath.isBlank()) {
            return parent;
        }
        List<java.net.URL> urls = new java.util.ArrayList<>();
        for (String jar : userClassPath.split(java.io.File.pathSeparator)) {
            if (jar.isBlank()) {
                continue;
            }
            Path path = Path.of(jar).toAbsolutePath();
            if (!java.nio.file.Files.isReadable(path)) {
                throw new IllegalArgumentException(USER_CLASS_PATH_ENV + " names " + path
                        + ", which is not a readable file");
            }
            try {
                urls.add(path.toUri().toURL());
            } catch (java.net.MalformedURLException e) {
                throw new IllegalArgumentException(USER_CLASS_PATH_ENV + " names " + jar + ": " + e.getMessage(), e);
            }
        }
        return new java.net.URLClassLoader("spindle-app", urls.toArray(new java.net.URL[0]), parent);
    }

    static ExecutorProcess.Settings parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        boolean secretInCredentials = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(SECRET_FROM_CREDENTIALS)) {
                secretInCredentials = true;
                continue;
            }
            if (!FLAGS.contains(args[i])) {
                throw new IllegalArgumentException("unknown argument '" + args[i] + "'; expected " + FLAGS);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            values.put(args[i], args[++i]);
        }
        if (secretInCredentials == values.containsKey("--secret-file")) {
            throw new IllegalArgumentException("give exactly one of --secret-file FILE and " + SECRET_FROM_CREDENTIALS);
        }
        for (String flag : FLAGS) {
            if (!values.containsKey(flag) && !flag.equals("--secret-file")) {
                throw new IllegalArgumentException("missing " + flag + "; all of " + FLAGS + " are required");
            }
        }
        String driver = values.get("--driver");
        int colon = driver.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--driver " + driver + " is not HOST:PORT");
        }
        return new ExecutorProcess.Settings(new ExecutorId(values.get("--executor-id")), values.get("--host"),
                positive("--cores", values.get("--cores")), driver.substring(0, colon),
                positive("--driver port", driver.substring(colon + 1)),
                secretInCredentials ? secretFromCredentials() : AppSecret.readFrom(Path.of(values.get("--secret-file"))),
                SpindleConf.fromFile(Path.of(values.get("--conf-file"))), Path.of(values.get("--local-dir")),
                System.getenv().getOrDefault("CONTAINER_ID", ""), ContainerLogUrls.fromEnvironment(System.getenv()),
                System.getenv().getOrDefault(DRIVER_ENDPOINT_FILE_ENV, ""));
    }

    /**
     * The secret YARN put in this container's credentials under {@link AppSecret#CREDENTIALS_ALIAS}, read from the
     * token file itself: logging into Hadoop to ask for it parses Hadoop's XML configuration and runs a JAAS login,
     * half a second before the executor could register (the first file access does that later, on a warm-up thread).
     */
    private static AppSecret secretFromCredentials() {
        String tokenFile = System.getenv("HADOOP_TOKEN_FILE_LOCATION");
        if (tokenFile == null || tokenFile.isBlank()) {
            throw new IllegalArgumentException(SECRET_FROM_CREDENTIALS + " needs the Hadoop credentials of a YARN "
                    + "container, but HADOOP_TOKEN_FILE_LOCATION is not set; give --secret-file FILE instead");
        }
        byte[] key;
        try {
            key = org.apache.hadoop.security.Credentials.readTokenStorageFile(new java.io.File(tokenFile),
                    new org.apache.hadoop.conf.Configuration(false))
                    .getSecretKey(new org.apache.hadoop.io.Text(AppSecret.CREDENTIALS_ALIAS));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read this process's Hadoop credentials from " + tokenFile
                    + " (HADOOP_TOKEN_FILE_LOCATION): " + e.getMessage(), e);
        }
        if (key == null) {
            throw new IllegalArgumentException("the Hadoop credentials of this process (HADOOP_TOKEN_FILE_LOCATION="
                    + tokenFile + ") hold no " + AppSecret.CREDENTIALS_ALIAS);
        }
        return AppSecret.of(key);
    }

    private static int positive(String what, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + " " + value + " is not a positive integer");
    }
}
