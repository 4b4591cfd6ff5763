package dev.spindle.executor;

import java.util.Map;
import java.util.TreeMap;

/**
 * Where a YARN container's logs are on its NodeManager's web UI, worked out from the environment YARN gives every
 * container ({@code CONTAINER_ID}, {@code NM_HOST}, {@code NM_HTTP_PORT}, {@code USER}): the
 * {@code /node/containerlogs/<container>/<user>/<file>} pages of {@code stdout} and {@code stderr}, which keep
 * loading after the container ends (while the NodeManager keeps its logs). The executor sends them with its
 * registration, and the driver's UI links them.
 */
public final class ContainerLogUrls {
    /**
     * The environment variable that tells an executor the NodeManager's web scheme, {@code http} (the default) or
     * {@code https} (YARN's {@code yarn.http.policy=HTTPS_ONLY}); the YARN allocator sets it.
     */
    public static final String NM_WEB_SCHEME_ENV = "SPINDLE_NM_WEB_SCHEME";

    static final String[] FILES = {"stdout", "stderr"};

    private ContainerLogUrls() {
    }

    /** The log pages by file name; empty outside a YARN container (any of the variables missing). */
    public static Map<String, String> fromEnvironment(Map<String, String> env) {
        String container = env.get("CONTAINER_ID");
        String host = env.get("NM_HOST");
        String port = env.get("NM_HTTP_PORT");
        String user = env.get("USER");
        if (isEmpty(container) || isEmpty(host) || isEmpty(port) || isEmpty(user)) {
            return Map.of();
        }
        String scheme = env.getOrDefault(NM_WEB_SCHEME_ENV, "http");
        Map<String, String> urls = new TreeMap<>();
        for (String file : FILES) {
            urls.put(file, scheme + "://" + host + ":" + port + "/node/containerlogs/" + container + "/" + user + "/"
                    + file);
        }
        return Map.copyOf(urls);
    }

    private static boolean isEmpty(String value) {
        return value == null || value.isEmpty();
    }
}
