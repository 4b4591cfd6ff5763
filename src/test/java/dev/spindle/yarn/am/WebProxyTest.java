package dev.spindle.yarn.am;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class WebProxyTest {
    private static final String APP = "application_1700000000000_0003";

    @Test
    void theProxyInsideTheResourceManagersWebUi() {
        Configuration conf = new Configuration(false);
        conf.set("yarn.resourcemanager.webapp.address", "rm.example:8088");
        WebProxy proxy = WebProxy.of(conf, APP);
        assertThat(proxy.hosts()).containsExactly("rm.example");
        assertThat(proxy.uriBase()).isEqualTo("http://rm.example:8088/proxy/" + APP);
    }

    @Test
    void aStandAloneProxyWins() {
        Configuration conf = new Configuration(false);
        conf.set("yarn.resourcemanager.webapp.address", "rm.example:8088");
        conf.set("yarn.web-proxy.address", "proxy.example:9046");
        WebProxy proxy = WebProxy.of(conf, APP);
        assertThat(proxy.hosts()).containsExactly("proxy.example");
        assertThat(proxy.uriBase()).isEqualTo("http://proxy.example:9046/proxy/" + APP);
    }

    @Test
    void underHaEveryResourceManagerIsAProxyHostAndHttpsOnlyUsesTheHttpsAddresses() {
        Configuration conf = new Configuration(false);
        conf.set("yarn.resourcemanager.ha.enabled", "true");
        conf.set("yarn.resourcemanager.ha.rm-ids", "rm1,rm2");
        conf.set("yarn.http.policy", "HTTPS_ONLY");
        conf.set("yarn.resourcemanager.webapp.https.address.rm1", "rm-a.example:8090");
        conf.set("yarn.resourcemanager.webapp.https.address.rm2", "rm-b.example:8090");
        WebProxy proxy = WebProxy.of(conf, APP);
        assertThat(proxy.hosts()).containsExactly("rm-a.example", "rm-b.example");
        assertThat(proxy.uriBase()).isEqualTo("https://rm-a.example:8090/proxy/" + APP);
    }

    @Test
    void underHaAResourceManagerNamedOnlyByItsHostUsesTheDefaultWebPort() {
        Configuration conf = new Configuration(false);
        conf.set("yarn.resourcemanager.ha.enabled", "true");
        conf.set("yarn.resourcemanager.ha.rm-ids", "rm1,rm2");
        conf.set("yarn.resourcemanager.hostname.rm1", "rm-a.example");
        conf.set("yarn.resourcemanager.webapp.address.rm2", "rm-b.example:18088");
        WebProxy proxy = WebProxy.of(conf, APP);
        assertThat(proxy.hostPorts()).containsExactly("rm-a.example:8088", "rm-b.example:18088");
    }

    @Test
    void noProxyAtAllNamesTheSettings() {
        Configuration conf = new Configuration(false);
        conf.set("yarn.resourcemanager.ha.enabled", "true");
        conf.set("yarn.resourcemanager.ha.rm-ids", "rm1");
        assertThatThrownBy(() -> WebProxy.of(conf, APP)).hasMessageContaining(APP)
                .hasMessageContaining("yarn.web-proxy.address")
                .hasMessageContaining("yarn.resourcemanager.webapp.address");
    }
}
