package dev.spindle.executor;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.ExecutorId;
import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import dev.spindle.rpc.AppSecret;
import dev.spindle.rpc.RpcConnection;
import dev.spindle.rpc.RpcException;
import dev.spindle.rpc.RpcHandler;
import dev.spindle.rpc.RpcSettings;
import dev.spindle.rpc.message.RegisterShuffleDir;
import dev.spindle.rpc.message.RpcMessage;
import dev.spindle.rpc.message.ShuffleDirRegistered;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An executor's side of its NodeManager's shuffle service ({@code spindle.shuffle.service.enabled}): where it writes
 * map output (a directory in the application's NodeManager cache, which outlives the container), the service's
 * port, and the registration that makes the service serve that directory.
 */
public final class ShuffleServiceClient {
    /** The environment variable in which YARN hands containers the service's metadata (its port). */
    static final String SERVICE_METADATA_ENV = "NM_AUX_SERVICE_spindle_shuffle";
    /** YARN's list of the application's local directories on this node, which it deletes when the application ends. */
    static final String LOCAL_DIRS_ENV = "LOCAL_DIRS";

    private ShuffleServiceClient() {
    }

    /** The service's port: from the metadata YARN gives containers, else {@code spindle.shuffle.service.port}. */
    static int port(Map<String, String> env, SpindleConf conf) {
        String metadata = env.get(SERVICE_METADATA_ENV);
        if (metadata != null && !metadata.isBlank()) {
            byte[] bytes = Base64.getDecoder().decode(metadata.strip());
            if (bytes.length == Integer.BYTES) {
                return ByteBuffer.wrap(bytes).getInt();
            }
        }
        return conf.get(SpindleConfig.SHUFFLE_SERVICE_PORT);
    }

    /** The directory executor {@code id} writes map output into: in the first of the application's local dirs. */
    static Path directory(Map<String, String> env, ExecutorId id) throws IOException {
        String dirs = env.get(LOCAL_DIRS_ENV);
        if (dirs == null || dirs.isBlank()) {
            throw new SpindleException(ErrorCode.INVALID_ARGUMENT, "spindle.shuffle.service.enabled=true, but this "
                    + "executor runs outside a YARN container (no " + LOCAL_DIRS_ENV + "): the shuffle service runs "
                    + "in NodeManagers only; remove the setting");
        }
        return Files.createDirectories(Path.of(dirs.split(",")[0], "spindle-shuffle-" + id.id()));
    }

    /** Asks the service at {@code host:port} to serve {@code dir}; throws with its reason when it refuses. */
    public static void register(String host, int port, AppSecret secret, RpcSettings settings, ExecutorId id, Path dir,
            long timeoutMillis) {
        CompletableFuture<ShuffleDirRegistered> answer = new CompletableFuture<>();
        RpcConnection connection = RpcConnection.connect(host, port, secret, settings, new RpcHandler() {
            @Override
            public void onMessage(RpcConnection c, RpcMessage message) {
                if (message.getBody() instanceof ShuffleDirRegistered registered) {
                    answer.complete(registered);
                }
            }

            @Override
            public void onClose(RpcConnection c, String reason) {
                answer.completeExceptionally(new RpcException("the shuffle service closed the connection: " + reason));
            }
        });
        try {
            connection.send(RegisterShuffleDir.newBuilder().setExecutorId(id.id()).setDir(dir.toString()).build());
            ShuffleDirRegistered registered = answer.get(timeoutMillis, TimeUnit.MILLISECONDS);
            if (!registered.getAccepted()) {
                throw new RpcException("the shuffle service at " + host + ":" + port + " refused " + dir + ": "
                        + registered.getReason());
            }
        } catch (TimeoutException e) {
            throw new RpcException("the shuffle service at " + host + ":" + port + " did not answer within "
                    + timeoutMillis + " ms (spindle.network.timeout)", e);
        } catch (ExecutionException e) {
            throw new RpcException("cannot register with the shuffle service at " + host + ":" + port + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException("interrupted while registering with the shuffle service", e);
        } finally {
            connection.close();
        }
    }
}
