package dev.spindle.yarn.am;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class WebProxyTest {
    private static final String APP = "application_1700000000000_0003";

    /** A configuration of {@code key, value, key, value, ...} and nothing else. */
    private static Configuration conf(String... keysAndValues) {
        Configuration conf = new Configuration(false);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            conf.set(keysAndValues[i], keysAndValues[i + 1]);
        }
        return conf;
    }

    @Test
    void theProxyInsideTheResourceManagersWebUi() {
        WebProxy proxy = WebProxy.of(conf("yarn.resourcemanager.webapp.address", "rm.example:8088"), APP);
        assertThat(proxy.hosts()).containsExactly("rm.example");
        assertThat(proxy.uriBase()).isEqualTo("http://rm.example:8088/proxy/" + APP);
    }

    @Test
    void aStandAloneProxyWins() {
        WebProxy proxy = WebProxy.of(conf("yarn.resourcemanager.webapp.address", "rm.example:8088",
                "yarn.web-proxy.address", "proxy.example:9046"), APP);
        assertThat(proxy.hosts()).containsExactly("proxy.example");
        assertThat(proxy.uriBase()).isEqualTo("http://proxy.example:9046/proxy/" + APP);
    }

    @Test
    void underHaEveryResourceManagerIsAProxyHostAndHttpsOnlyUsesTheHttpsAddresses() {
        WebProxy proxy = WebProxy.of(conf("yarn.resourcemanager.ha.enabled", "true",
                "yarn.resourcemanager.ha.rm-ids", "rm1,rm2", "yarn.http.policy", "HTTPS_ONLY",
                "yarn.resourcemanager.webapp.https.address.rm1", "rm-a.example:8090",
                "yarn.resourcemanager.webapp.https.address.rm2", "rm-b.example:8090"), APP);
        assertThat(proxy.hosts()).containsExactly("rm-a.example", "rm-b.example");
        assertThat(proxy.uriBase()).isEqualTo("https://rm-a.example:8090/proxy/" + APP);
    }

    @Test
    void underHaAResourceManagerNamedOnlyByItsHostUsesTheDefaultWebPort() {
        WebProxy proxy = WebProxy.of(conf("yarn.resourcemanager.ha.enabled", "true",
                "yarn.resourcemanager.ha.rm-ids", "rm1,rm2", "yarn.resourcemanager.hostname.rm1", "rm-a.example",
                "yarn.resourcemanager.webapp.address.rm2", "rm-b.example:18088"), APP);
        assertThat(proxy.hostPorts()).containsExactly("rm-a.example:8088", "rm-b.example:18088");
    }

    @Test
    void noProxyAtAllNamesTheSettings() {
        Configuration conf = conf("yarn.resourcemanager.ha.enabled", "true", "yarn.resourcemanager.ha.rm-ids", "rm1");
        assertThatThrownBy(() -> WebProxy.of(conf, APP)).hasMessageContaining(APP)
                .hasMessageContaining("yarn.web-proxy.address")
                .hasMessageContaining("yarn.resourcemanager.webapp.address");
    }
}
