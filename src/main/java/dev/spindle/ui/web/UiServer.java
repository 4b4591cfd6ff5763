package dev.spindle.ui.web;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.spindle.common.ErrorCode;
import dev.spindle.common.NamedThreadFactory;
import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import dev.spindle.ui.status.StoreDirectory;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The web UI and its REST API on the JDK's HTTP server: pages at the root ({@code jobs}, {@code stages},
 * {@code stage}, {@code executors}, {@code storage}, {@code environment}), the API under {@code /api/v1}, scripts
 * and styles under {@code /static}. Every link it writes is relative, so the UI works under a proxy's path prefix
 * (YARN's {@code /proxy/<appId>/}). The creator's filters (YARN's redirect to the proxy) run before every handler.
 */
public final class UiServer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(UiServer.class);
    private static final int THREADS = 4;

    private final HttpServer server;
    private final ExecutorService threads;
    private final URI uri;

    /**
     * Where the server listens and how it is reached.
     *
     * @param bindHost the address to listen on ({@code 0.0.0.0} for every interface)
     * @param advertisedHost the host name in {@link #uri()}
     * @param port the first port to try; 0 for any free port
     * @param maxRetries how many ports above {@code port} to try when it is taken
     */
    public record Binding(String bindHost, String advertisedHost, int port, int maxRetries) {
        public Binding {
            requireNonNull(bindHost, "bindHost is null");
            requireNonNull(advertisedHost, "advertisedHost is null");
            SpindleException.checkArgument(port >= 0 && port <= 65535, "port %d is not between 0 and 65535", port);
            SpindleException.checkArgument(maxRetries >= 0, "maxRetries %d must not be negative", maxRetries);
        }

        /** {@code spindle.ui.port} and {@code spindle.ui.portMaxRetries} on the given hosts. */
        public static Binding of(SpindleConf conf, String bindHost, String advertisedHost) {
            return new Binding(bindHost, advertisedHost, conf.get(SpindleConfig.UI_PORT),
                    conf.get(SpindleConfig.UI_PORT_MAX_RETRIES));
        }
    }

    private UiServer(HttpServer server, ExecutorService threads, URI uri) {
        this.server = server;
        this.threads = threads;
        this.uri = uri;
    }

    /**
     * Starts serving the applications of {@code directory}.
     *
     * @param filters run, in order, before every request is handled
     * @throws SpindleException when no port of the range is free
     */
    public static UiServer start(Binding binding, StoreDirectory directory, List<Filter> filters) {
        requireNonNull(binding, "binding is null");
        requireNonNull(directory, "directory is null");
        List<Filter> chain = List.copyOf(requireNonNull(filters, "filters is null"));
        HttpServer server = bind(binding);
        ExecutorService threads = Executors.newFixedThreadPool(THREADS, new NamedThreadFactory("spindle-ui", true));
        server.setExecutor(threads);
        add(server, ApiHandler.PREFIX, new ApiHandler(directory), chain);
        add(server, StaticHandler.PREFIX, new StaticHandler(), chain);
        add(server, "/", new PageHandler(directory), chain);
        server.start();
        URI uri = URI.create("http://" + binding.advertisedHost() + ":" + server.getAddress().getPort());
        LOG.info("Web UI listening on {}:{}", binding.bindHost(), server.getAddress().getPort());
        return new UiServer(server, threads, uri);
    }

    private static void add(HttpServer server, String path, HttpHandler handler, List<Filter> filters) {
        HttpContext context = server.createContext(path, handler);
        context.getFilters().addAll(filters);
    }

    private static HttpServer bind(Binding binding) {
        int last = binding.port() == 0 ? 0 : Math.min(65535, binding.port() + binding.maxRetries());
        IOException lastFailure = null;
        for (int port = binding.port(); port <= last; port++) {
            try {
                return HttpServer.create(new InetSocketAddress(binding.bindHost(), port), 0);
            } catch (BindException e) {
                LOG.info("Web UI port {} is taken; trying {}", port, port + 1);
                lastFailure = e;
            } catch (IOException e) {
                throw new SpindleException(ErrorCode.IO_FAILURE, "cannot start the web UI on " + binding.bindHost()
                        + ":" + port + ": " + e.getMessage(), e);
            }
        }
        throw new SpindleException(ErrorCode.INSUFFICIENT_RESOURCES, "no free port for the web UI between "
                + binding.port() + " and " + last + " on " + binding.bindHost() + " (spindle.ui.port=" + binding.port()
                + ", spindle.ui.portMaxRetries=" + binding.maxRetries() + "); choose another spindle.ui.port, 0 for "
                + "any free port, or spindle.ui.enabled=false", lastFailure);
    }

    /** {@code http://<advertised host>:<port>}, the UI's root. */
    public URI uri() {
        return uri;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops listening; requests in progress get a moment to finish. */
    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
