package dev.spindle.ui.web;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Lets through only the requests that come from a web proxy's hosts, and redirects (302) every other request to the
 * same path and query under the proxy, as YARN's {@code AmIpFilter} does for an ApplicationMaster's web UI: users then
 * always see the UI at the address the cluster publishes, behind its authentication, and the UI's relative links
 * resolve under the proxy's path prefix.
 *
 * <p>The proxy hosts are resolved to their addresses once, when the filter is made; a host that does not resolve is
 * logged and left out (requests from it are redirected, not served).
 */
public final class ProxyRedirectFilter extends Filter {
    private static final Logger LOG = LogManager.getLogger(ProxyRedirectFilter.class);

    private final Set<InetAddress> proxyAddresses;
    private final String proxyBase;

    /**
     * @param proxyHosts the host names or addresses the proxy's requests come from
     * @param proxyUriBase where this UI is under the proxy, such as {@code http://rm:8088/proxy/application_1_0001};
     *     a redirect appends the request's path (from its leading {@code /}) and query
     */
    public ProxyRedirectFilter(Collection<String> proxyHosts, String proxyUriBase) {
        requireNonNull(proxyHosts, "proxyHosts is null");
        requireNonNull(proxyUriBase, "proxyUriBase is null");
        if (!proxyUriBase.startsWith("http://") && !proxyUriBase.startsWith("https://")) {
            throw new IllegalArgumentException("proxyUriBase " + proxyUriBase + " is not an http:// or https:// URL");
        }
        this.proxyBase = proxyUriBase.endsWith("/") ? proxyUriBase.substring(0, proxyUriBase.length() - 1)
                : proxyUriBase;
        this.proxyAddresses = proxyHosts.stream().flatMap(host -> resolve(host).stream()).collect(Collectors.toSet());
        if (proxyAddresses.isEmpty()) {
            LOG.warn("None of the web proxy hosts {} resolves: every request to the UI is redirected to {}", proxyHosts,
                    proxyBase);
        }
    }

    private static List<InetAddress> resolve(String host) {
        try {
            return Arrays.asList(InetAddress.getAllByName(host));
        } catch (UnknownHostException e) {
            LOG.warn("The web proxy host {} does not resolve; requests from it will be redirected: {}", host,
                    e.toString());
            return List.of();
        }
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        if (proxyAddresses.contains(exchange.getRemoteAddress().getAddress())) {
            chain.doFilter(exchange);
            return;
        }
        String query = exchange.getRequestURI().getRawQuery();
        String location = proxyBase + exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query);
        LOG.debug("Redirecting a request from {} to the web proxy: {}", exchange.getRemoteAddress(), location);
        try (exchange) {
            exchange.getResponseHeaders().set("Location", location);
            exchange.sendResponseHeaders(302, -1);
        }
    }

    @Override
    public String description() {
        return "serves requests from the web proxy " + proxyAddresses + ", redirects others to " + proxyBase;
    }
}
