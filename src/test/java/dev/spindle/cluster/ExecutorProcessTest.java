package dev.spindle.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.config.SpindleConf;
import dev.spindle.executor.ExecutorProcess;
import dev.spindle.rpc.AppSecret;
import dev.spindle.rpc.RpcConnection;
import dev.spindle.rpc.RpcHandler;
import dev.spindle.rpc.RpcServer;
import dev.spindle.rpc.RpcSettings;
import dev.spindle.rpc.message.ExecutorRegistered;
import dev.spindle.rpc.message.RegisterExecutor;
import dev.spindle.rpc.message.RpcMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor JVM against a stand-in driver: it exits by itself when its driver goes silent or goes away, with the
 * exit code that says which, and never keeps the secret on its command line.
 */
@Timeout(120)
class ExecutorProcessTest {
    private static final long NETWORK_TIMEOUT_MILLIS = 2000;
    private static final long RECONNECT_TIMEOUT_MILLIS = 3000;

    @TempDir
    Path dir;

    /** A driver that accepts the registration, then does nothing more (no heartbeat answers). */
    private record FakeDriver(RpcServer server, CompletableFuture<RpcConnection> registered,
            CompletableFuture<RegisterExecutor> registration) implements AutoCloseable {
        static FakeDriver start(AppSecret secret) {
            CompletableFuture<RpcConnection> registered = new CompletableFuture<>();
            CompletableFuture<RegisterExecutor> registration = new CompletableFuture<>();
            RpcServer server = RpcServer.start("localhost", 0, secret, RpcSettings.from(SpindleConf.empty()),
                    new RpcHandler() {
                        @Override
                        public void onMessage(RpcConnection connection, RpcMessage message) {
                            if (message.getBody() instanceof RegisterExecutor register) {
                                connection.send(ExecutorRegistered.newBuilder().setAccepted(true).build());
                                registration.complete(register);
                                registered.complete(connection);
                            }
                        }
                    });
            return new FakeDriver(server, registered, registration);
        }

        @Override
        public void close() {
            server.close();
        }
    }

    private Process launch(AppSecret secret, int driverPort) throws Exception {
        return launch(secret, driverPort, Map.of());
    }

    /** Starts an executor JVM; {@code env} goes into its environment (for the driver endpoint file). */
    private Process launch(AppSecret secret, int driverPort, Map<String, String> env) throws Exception {
        Path secretFile = dir.resolve("app.secret");
        secret.writeTo(secretFile);
        Path confFile = dir.resolve("spindle.conf");
        SpindleConf.empty().with("spindle.network.timeout", NETWORK_TIMEOUT_MILLIS + "ms")
                .with("spindle.executor.heartbeatInterval", "200ms")
                .with("spindle.recovery.executorReconnectTimeout", RECONNECT_TIMEOUT_MILLIS + "ms").writeTo(confFile);
        ExecutorCommand command = new ExecutorCommand(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                256, System.getProperty("java.class.path"), "", Map.of(), "localhost", driverPort, "7", "localhost", 1,
                secretFile.toString(), confFile.toString(), dir.resolve("local").toString());
        String line = String.join(" ", command.commandLine()) + command.environment();
        assertThat(line).doesNotContain(java.util.HexFormat.of().formatHex(secret.bytes()))
                .doesNotContain(java.util.Base64.getEncoder().encodeToString(secret.bytes()))
                .contains("--secret-file " + secretFile);
        ProcessBuilder builder = new ProcessBuilder(command.commandLine()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("executor.log").toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    @Test
    void anExecutorWhoseDriverGoesSilentExitsAfterTheNetworkTimeout() throws Exception {
        AppSecret secret = AppSecret.generate();
        try (FakeDriver driver = FakeDriver.start(secret)) {
            Process executor = launch(secret, driver.server().port());
            try {
                driver.registered().get(30, TimeUnit.SECONDS);
                long registeredAt = System.nanoTime();
                assertThat(executor.waitFor(NETWORK_TIMEOUT_MILLIS + 10_000, TimeUnit.MILLISECONDS))
                        .as("executor exited; log:%n%s", log()).isTrue();
                long afterMillis = (System.nanoTime() - registeredAt) / 1_000_000;
                assertThat(executor.exitValue()).as(log()).isEqualTo(ExecutorProcess.EXIT_DRIVER_SILENT);
                assertThat(afterMillis).isGreaterThanOrEqualTo(NETWORK_TIMEOUT_MILLIS - 200);
                assertThat(log()).contains("spindle.network.timeout");
            } finally {
                executor.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void anExecutorWhoseDriverDiesExitsAtOnce() throws Exception {
        AppSecret secret = AppSecret.generate();
        Process executor;
        try (FakeDriver driver = FakeDriver.start(secret)) {
            executor = launch(secret, driver.server().port());
            driver.registered().get(30, TimeUnit.SECONDS).close();
        }
        try {
            // "At once" is the exit code: an executor that missed the close would exit after the network timeout,
            // as silent; the bound on the wait is for a loaded machine.
            assertThat(executor.waitFor(NETWORK_TIMEOUT_MILLIS + 30_000, TimeUnit.MILLISECONDS)).as(log()).isTrue();
            assertThat(executor.exitValue()).as(log()).isEqualTo(ExecutorProcess.EXIT_DRIVER_LOST);
            assertThat(dir.resolve("local").toFile().list()).as("local files deleted").isEmpty();
        } finally {
            executor.destroyForcibly().waitFor();
        }
    }

    @Test
    void anExecutorWithTheWrongSecretNeverRuns() throws Exception {
        try (FakeDriver driver = FakeDriver.start(AppSecret.generate())) {
            Process executor = launch(AppSecret.generate(), driver.server().port());
            try {
                assertThat(executor.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(executor.exitValue()).as(log()).isEqualTo(ExecutorProcess.EXIT_DRIVER_LOST);
                assertThat(driver.registered()).isNotDone();
            } finally {
                executor.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void anExecutorThatCanOutliveItsDriverRegistersWithTheNextOneItFindsInTheEndpointFile() throws Exception {
        AppSecret secret = AppSecret.generate();
        Path endpoint = dir.resolve("driver-endpoint");
        Map<String, String> env = Map.of(ExecutorCommand.DRIVER_ENDPOINT_FILE_ENV, endpoint.toUri().toString(),
                "CONTAINER_ID", "container_1_0001_01_000002");
        Process executor;
        try (FakeDriver first = FakeDriver.start(secret); FakeDriver second = FakeDriver.start(secret)) {
            executor = launch(secret, first.server().port(), env);
            try {
                assertThat(first.registration().get(30, TimeUnit.SECONDS).getReturning()).isFalse();
                first.registered().get().close();
                first.server().close();
                // Still there, looking: the first driver's address is the lost one.
                Files.writeString(endpoint, "localhost " + first.server().port() + " 1\n");
                assertThat(executor.waitFor(1, TimeUnit.SECONDS)).as(log()).isFalse();
                Files.writeString(endpoint, "localhost " + second.server().port() + " 2\n");
                RegisterExecutor again = second.registration().get(30, TimeUnit.SECONDS);
                assertThat(again.getReturning()).isTrue();
                assertThat(again.getExecutorId()).isEqualTo("7");
                assertThat(again.getContainerId()).isEqualTo("container_1_0001_01_000002");
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                        .until(() -> log().contains("registered with the driver of ApplicationMaster attempt 2"));
                assertThat(executor.isAlive()).as(log()).isTrue();
            } finally {
                executor.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void anExecutorWhoseDriverDoesNotComeBackExitsAfterTheReconnectTimeout() throws Exception {
        AppSecret secret = AppSecret.generate();
        Map<String, String> env = Map.of(ExecutorCommand.DRIVER_ENDPOINT_FILE_ENV,
                dir.resolve("driver-endpoint").toUri().toString());
        Process executor;
        long lostAt;
        try (FakeDriver driver = FakeDriver.start(secret)) {
            executor = launch(secret, driver.server().port(), env);
            driver.registered().get(30, TimeUnit.SECONDS).close();
            lostAt = System.nanoTime();
        }
        try {
            assertThat(executor.waitFor(RECONNECT_TIMEOUT_MILLIS + 10_000, TimeUnit.MILLISECONDS)).as(log()).isTrue();
            assertThat(executor.exitValue()).as(log()).isEqualTo(ExecutorProcess.EXIT_DRIVER_LOST);
            assertThat((System.nanoTime() - lostAt) / 1_000_000).isGreaterThanOrEqualTo(RECONNECT_TIMEOUT_MILLIS - 200);
            assertThat(log()).contains("spindle.recovery.executorReconnectTimeout");
        } finally {
            executor.destroyForcibly().waitFor();
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("executor.log"));
        } catch (java.io.IOException e) {
            return "(no log: " + e + ")";
        }
    }

}
