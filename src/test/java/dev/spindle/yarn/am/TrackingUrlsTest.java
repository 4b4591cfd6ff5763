package dev.spindle.yarn.am;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.config.SpindleConf;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrackingUrlsTest {
    private static final String APP = "application_1700000000000_0007";

    @ParameterizedTest
    @CsvSource({
            "history.example.com:18080, http://history.example.com:18080/history/application_1700000000000_0007/",
            "http://history:18080/, http://history:18080/history/application_1700000000000_0007/",
            "https://history.example.com, https://history.example.com/history/application_1700000000000_0007/",
    })
    void theFinalUrlIsTheHistoryPageOfTheApplication(String address, String expected) {
        SpindleConf conf = SpindleConf.of(Map.of("spindle.history.ui.address", address));
        assertThat(TrackingUrls.afterEnd(conf, APP)).isEqualTo(expected);
    }

    @Test
    void withoutAHistoryServerTheResourceManagerKeepsItsOwnPage() {
        assertThat(TrackingUrls.afterEnd(SpindleConf.empty(), APP)).isEmpty();
    }

    @Test
    void theLiveUrlIsTheUiOrNothing() {
        assertThat(TrackingUrls.live(Optional.of(URI.create("http://node7:4040/")))).isEqualTo("http://node7:4040/");
        assertThat(TrackingUrls.live(Optional.empty())).isEmpty();
    }
}
