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

    @TempDir
    Path dir;

    /** A driver that accepts the registration, then does nothing more (no heartbeat answers). */
    private record FakeDriver(RpcServer server, CompletableFuture<RpcConnection> registered) implements AutoCloseable {
        static FakeDriver start(AppSecret secret) {
            CompletableFuture<RpcConnection> registered = new CompletableFuture<>();
            RpcServer server = RpcServer.start("localhost", 0, secret, RpcSettings.from(SpindleConf.empty()),
                    new RpcHandler() {
                        @Override
                        public void onMessage(RpcConnection connection, RpcMessage message) {
                            if (message.getBody() instanceof RegisterExecutor) {
                                connection.send(ExecutorRegistered.newBuilder().setAccepted(true).build());
                                registered.complete(connection);
                            }
                        }
                    });
            return new FakeDriver(server, registered);
        }

        @Override
        public void close() {
            server.close();
        }
    }

    private Process launch(AppSecret secret, int driverPort) throws Exception {
        Path secretFile = dir.resolve("app.secret");
        secret.writeTo(secretFile);
        Path confFile = dir.resolve("spindle.conf");
        SpindleConf.empty().with("spindle.network.timeout", NETWORK_TIMEOUT_MILLIS + "ms")
                .with("spindle.executor.heartbeatInterval", "200ms").writeTo(confFile);
        ExecutorCommand command = new ExecutorCommand(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                256, System.getProperty("java.class.path"), "", Map.of(), "localhost", driverPort, "7", "localhost", 1,
                secretFile.toString(), confFile.toString(), dir.resolve("local").toString());
        String line = String.join(" ", command.commandLine()) + command.environment();
        assertThat(line).doesNotContain(java.util.HexFormat.of().formatHex(secret.bytes()))
                .doesNotContain(java.util.Base64.getEncoder().encodeToString(secret.bytes()))
                .contains("--secret-file " + secretFile);
        return new ProcessBuilder(command.commandLine()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("executor.log").toFile()).start();
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
            assertThat(executor.waitFor(NETWORK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)).as(log()).isTrue();
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

    private String log() {
        try {
            return Files.readString(dir.resolve("executor.log"));
        } catch (java.io.IOException e) {
            return "(no log: " + e + ")";
        }
    }

}
