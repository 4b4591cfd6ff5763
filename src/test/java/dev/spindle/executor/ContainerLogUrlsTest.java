package dev.spindle.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerLogUrlsTest {
    private static final String CONTAINER = "container_1700000000000_0004_01_000003";

    private static Map<String, String> yarnEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("CONTAINER_ID", CONTAINER);
        env.put("NM_HOST", "node2.example");
        env.put("NM_HTTP_PORT", "8042");
        env.put("USER", "alice");
        return env;
    }

    @Test
    void stdoutAndStderrOnTheNodeManagersContainerLogPages() {
        assertThat(ContainerLogUrls.fromEnvironment(yarnEnvironment())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "stdout", "http://node2.example:8042/node/containerlogs/" + CONTAINER + "/alice/stdout",
                "stderr", "http://node2.example:8042/node/containerlogs/" + CONTAINER + "/alice/stderr"));
    }

    @Test
    void httpsWhenTheAllocatorSaysSo() {
        Map<String, String> env = yarnEnvironment();
        env.put(ContainerLogUrls.NM_WEB_SCHEME_ENV, "https");
        assertThat(ContainerLogUrls.fromEnvironment(env).get("stderr")).startsWith("https://node2.example:8042/");
    }

    @Test
    void noneOutsideAContainer() {
        Map<String, String> env = yarnEnvironment();
        env.remove("NM_HTTP_PORT");
        assertThat(ContainerLogUrls.fromEnvironment(env)).isEmpty();
        assertThat(ContainerLogUrls.fromEnvironment(Map.of("USER", "alice"))).isEmpty();
    }
}
