package dev.spindle.yarn.shuffle;

import dev.spindle.common.LocalFiles;
import dev.spindle.config.SpindleConf;
import dev.spindle.rpc.AppSecret;
import dev.spindle.rpc.FetchServer;
import dev.spindle.rpc.RpcConnection;
import dev.spindle.rpc.RpcHandler;
import dev.spindle.rpc.RpcServer;
import dev.spindle.rpc.RpcSettings;
import dev.spindle.rpc.message.BlockKind;
import dev.spindle.rpc.message.FetchRequest;
import dev.spindle.rpc.message.RegisterShuffleDir;
import dev.spindle.rpc.message.RpcMessage;
import dev.spindle.rpc.message.ShuffleDirRegistered;
import dev.spindle.shuffle.ShuffleFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.server.api.ApplicationInitializationContext;
import org.apache.hadoop.yarn.server.api.ApplicationTerminationContext;
import org.apache.hadoop.yarn.server.api.AuxiliaryService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spindle's shuffle service, a YARN auxiliary service ({@code yarn.nodemanager.aux-services=spindle_shuffle}) that
 * serves the map output executors of its node wrote, also after they have ended: so that dynamic allocation can
 * release an executor, and a lost executor costs no map task, while its node lives.
 *
 * <ul>
 *   <li>Each application's secret comes with its containers (the service data its ApplicationMaster puts in every
 *       executor's launch context); the service forgets it, and deletes the application's registered directories,
 *       when the application ends.</li>
 *   <li>It listens on {@code spindle.shuffle.service.port} (NodeManager configuration, default {@value #DEFAULT_PORT})
 *       and speaks the executors' own protocol: a client authenticates with its application's secret (the service
 *       tries each secret it knows), an executor registers the directory it writes map output into
 *       ({@link RegisterShuffleDir}; only directories in its application's NodeManager cache), and reducers fetch
 *       map output segments with a {@link FetchRequest} naming the executor that wrote them.</li>
 * </ul>
 */
public final class ShuffleService extends AuxiliaryService {
    /**
     * Through SLF4J, which every NodeManager logs with: the service's lines land in the NodeManager's log. (The
     * classes it shares with executors log through the Log4j API, relocated in its jar and without an implementation
     * there: their warnings and errors go to the NodeManager's standard error.)
     */
    private static final Logger LOG = LoggerFactory.getLogger(ShuffleService.class);
    /** The name in {@code yarn.nodemanager.aux-services}, and the key of the service data in launch contexts. */
    public static final String NAME = "spindle_shuffle";
    public static final String PORT_KEY = "spindle.shuffle.service.port";
    public static final int DEFAULT_PORT = 7447;

    /** Application id to its secret, for the applications running containers on this node. */
    private final Map<String, AppSecret> secrets = new ConcurrentHashMap<>();
    /** Application id to executor id to the map output it registered. */
    private final Map<String, Map<String, ShuffleFiles>> executors = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Path>> dirs = new ConcurrentHashMap<>();
    private final FetchServer fetchServer = new FetchServer("spindle-shuffle-service", 8, new Segments());
    private int port;
    private RpcServer server;

    public ShuffleService() {
        super(NAME);
    }

    @Override
    protected void serviceInit(Configuration conf) throws Exception {
        port = conf.getInt(PORT_KEY, DEFAULT_PORT);
        super.serviceInit(conf);
    }

    @Override
    protected void serviceStart() throws Exception {
        server = RpcServer.startShared(RpcServer.bindForFiles("0.0.0.0", port), secrets::values,
                RpcSettings.from(SpindleConf.empty()), new Handler());
        port = server.port();
        LOG.info("Spindle shuffle service listening on port {}", port);
        super.serviceStart();
    }

    @Override
    protected void serviceStop() throws Exception {
        if (server != null) {
            server.close();
        }
        fetchServer.close();
        super.serviceStop();
    }

    /** The port it listens on. */
    public int port() {
        return port;
    }

    @Override
    public void initializeApplication(ApplicationInitializationContext context) {
        String app = context.getApplicationId().toString();
        ByteBuffer data = context.getApplicationDataForService();
        if (data == null || data.remaining() != AppSecret.BYTES) {
            LOG.warn("Application {} gave no secret ({} bytes of service data): its executors cannot use the shuffle "
                    + "service", app, data == null ? 0 : data.remaining());
            return;
        }
        byte[] key = new byte[AppSecret.BYTES];
        data.duplicate().get(key);
        secrets.put(app, AppSecret.of(key));
        LOG.info("Serving the map output of application {}", app);
    }

    @Override
    public void stopApplication(ApplicationTerminationContext context) {
        String app = context.getApplicationId().toString();
        secrets.remove(app);
        executors.remove(app);
        Map<String, Path> registered = dirs.remove(app);
        if (registered != null) {
            registered.values().forEach(ShuffleService::deleteQuietly);
        }
        LOG.info("Application {} ended; its map output on this node is deleted", app);
    }

    @Override
    public ByteBuffer getMetaData() {
        return ByteBuffer.allocate(4).putInt(0, port);
    }

    /** The application whose secret {@code connection} was authenticated with; null when it has ended since. */
    private String applicationOf(RpcConnection connection) {
        AppSecret secret = connection.authenticatedWith();
        for (Map.Entry<String, AppSecret> entry : secrets.entrySet()) {
            if (entry.getValue().equals(secret)) {
                return entry.getKey();
            }
        }
        return null;
    }

    private final class Handler implements RpcHandler {
        @Override
        public void onMessage(RpcConnection connection, RpcMessage message) {
            try {
                if (fetchServer.accept(connection, message)) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.warn("Cannot serve {} to {}: {}", message.getBody().getClass().getSimpleName(), connection.peer(),
                        e.toString());
                return;
            }
            if (message.getBody() instanceof RegisterShuffleDir register) {
                String reason = register(applicationOf(connection), register);
                connection.send(ShuffleDirRegistered.newBuilder().setAccepted(reason == null).setReason(reason)
                        .build());
            } else {
                LOG.warn("Ignoring {} from {}", message.getBody().getClass().getSimpleName(), connection.peer());
            }
        }

        @Override
        public void onClose(RpcConnection connection, String reason) {
            fetchServer.closed(connection);
        }
    }

    /** Registers an executor's directory; the reason when it is refused, else null. */
    private String register(String app, RegisterShuffleDir register) {
        if (app == null) {
            return "the application has ended on this node";
        }
        Path dir = Path.of(register.getDir().toString()).toAbsolutePath().normalize();
        // Only the application's own NodeManager cache: a client must not make the service read other files.
        if (!dir.toString().contains("/appcache/" + app + "/")) {
            return "directory " + dir + " is not in the NodeManager's cache of " + app;
        }
        if (!Files.isDirectory(dir)) {
            return "directory " + dir + " does not exist";
        }
        String executor = register.getExecutorId().toString();
        executors.computeIfAbsent(app, a -> new ConcurrentHashMap<>()).put(executor, new ShuffleFiles(dir));
        dirs.computeIfAbsent(app, a -> new ConcurrentHashMap<>()).put(executor, dir);
        LOG.info("Executor {} of {} registered its map output in {}", executor, app, dir);
        return null;
    }

    /** Map output segments, each from the files of the application and executor the request names. */
    private final class Segments implements FetchServer.BlockSource {
        @Override
        public InputStream open(FetchRequest request) throws IOException {
            throw new IOException("the shuffle service serves requests of authenticated applications only");
        }

        @Override
        public InputStream open(RpcConnection connection, FetchRequest request) throws IOException {
            if (request.getKind() != BlockKind.SHUFFLE || request.getExecutorId() == null) {
                throw new IOException("the shuffle service serves map output, naming its executor; not "
                        + request.getKind() + " blocks");
            }
            String app = applicationOf(connection);
            Map<String, ShuffleFiles> registered = app == null ? null : executors.get(app);
            ShuffleFiles files = registered == null ? null : registered.get(request.getExecutorId().toString());
            if (files == null) {
                throw new IOException("executor " + request.getExecutorId() + " registered no map output with the "
                        + "shuffle service on this node");
            }
            return files.openSegment(request.getShuffleId(), request.getMapTaskId(), request.getStartPartition(),
                    request.getEndPartition());
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            LocalFiles.deleteRecursively(dir);
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", dir, e.toString());
        }
    }
}
