package dev.spindle.yarn.am;

import static java.util.Objects.requireNonNull;

import dev.spindle.ui.web.ProxyRedirectFilter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.HAUtil;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * The ResourceManager's web proxy as the ApplicationMaster's configuration names it: the stand-alone proxy of
 * {@code yarn.web-proxy.address} when there is one, otherwise the proxy inside each ResourceManager's web UI
 * ({@code yarn.resourcemanager.webapp.address}, or its https twin under {@code yarn.http.policy=HTTPS_ONLY}, per
 * ResourceManager id under HA). The same lookup as YARN's {@code WebAppUtils} for its {@code AmIpFilter}.
 *
 * @param hostPorts the proxy's addresses, {@code host:port}, the first one preferred
 * @param scheme {@code http} or {@code https}
 * @param applicationId the application whose UI the proxy serves under {@code /proxy/<applicationId>/}
 */
record WebProxy(List<String> hostPorts, String scheme, String applicationId) {
    private static final String WILDCARD = "0.0.0.0";

    WebProxy {
        hostPorts = List.copyOf(hostPorts);
        if (hostPorts.isEmpty()) {
            throw new IllegalArgumentException("the YARN configuration names no web proxy for " + applicationId
                    + ": set yarn.web-proxy.address, or yarn.resourcemanager.webapp.address (per ResourceManager id "
                    + "under HA)");
        }
        requireNonNull(scheme, "scheme is null");
        requireNonNull(applicationId, "applicationId is null");
    }

    static WebProxy of(Configuration conf, String applicationId) {
        boolean https = YarnConfiguration.useHttps(conf);
        String webKey = https ? YarnConfiguration.RM_WEBAPP_HTTPS_ADDRESS : YarnConfiguration.RM_WEBAPP_ADDRESS;
        List<String> addresses = new ArrayList<>();
        String standalone = conf.getTrimmed(YarnConfiguration.PROXY_ADDRESS);
        if (standalone != null && !standalone.isEmpty()) {
            addresses.add(standalone);
        } else if (HAUtil.isHAEnabled(conf)) {
            for (String rmId : HAUtil.getRMHAIds(conf)) {
                String address = conf.getTrimmed(HAUtil.addSuffix(webKey, rmId));
                String host = conf.getTrimmed(HAUtil.addSuffix(YarnConfiguration.RM_HOSTNAME, rmId));
                if (address != null) {
                    addresses.add(address);
                } else if (host != null) {
                    // As YARN does: the ResourceManager's host name with the default web port.
                    addresses.add(host + ":" + (https ? YarnConfiguration.DEFAULT_RM_WEBAPP_HTTPS_PORT
                            : YarnConfiguration.DEFAULT_RM_WEBAPP_PORT));
                }
            }
        } else {
            addresses.add(conf.getTrimmed(webKey, https ? YarnConfiguration.DEFAULT_RM_WEBAPP_HTTPS_ADDRESS
                    : YarnConfiguration.DEFAULT_RM_WEBAPP_ADDRESS));
        }
        return new WebProxy(addresses.stream().map(WebProxy::withRealHost).toList(), https ? "https" : "http",
                applicationId);
    }

    /** A wildcard host ({@code 0.0.0.0:8088}, the default) means this machine, as YARN reads it. */
    private static String withRealHost(String hostPort) {
        if (!hostPort.startsWith(WILDCARD + ":")) {
            return hostPort;
        }
        try {
            return InetAddress.getLocalHost().getCanonicalHostName() + hostPort.substring(WILDCARD.length());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("the web proxy address " + hostPort + " means this host, whose name does "
                    + "not resolve: " + e.getMessage(), e);
        }
    }

    /** The hosts the proxy's requests come from. */
    List<String> hosts() {
        return hostPorts.stream().map(a -> a.substring(0, a.lastIndexOf(':') < 0 ? a.length() : a.lastIndexOf(':')))
                .distinct().toList();
    }

    /** Where the application's UI is under the (first) proxy: {@code http://host:port/proxy/<appId>}. */
    String uriBase() {
        return scheme + "://" + hostPorts.get(0) + "/proxy/" + applicationId;
    }

    /** The filter that serves the proxy's requests and redirects all others to the proxy. */
    ProxyRedirectFilter filter() {
        return new ProxyRedirectFilter(hosts(), uriBase());
    }
}
