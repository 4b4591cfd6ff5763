package dev.spindle.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.api.Context;
import dev.spindle.common.Pair;
import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.recovery.EventLogWriter;
import dev.spindle.scheduler.spi.SchedulerEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history server serves what the live UI served: an application run in local mode with its event log on, then
 * read back from the log directory; and an application whose log has no end (a killed ApplicationMaster).
 */
@Timeout(120)
class HistoryServerTest {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private static final String KILLED = "application_1700000000000_0042";

    @TempDir
    static java.nio.file.Path tmp;

    private static String appId;
    private static String liveJobs;
    private static String liveStages;
    private static HistoryServer history;

    @BeforeAll
    static void runAnApplicationThenServeItsHistory() throws Exception {
        String logs = tmp.resolve("events").toUri().toString();
        try (Context context = new Context(SpindleConf.empty().with("spindle.master", "local[2]")
                .with("spindle.app.name", "history-test").with("spindle.eventLog.enabled", "true")
                .with("spindle.eventLog.dir", logs).with("spindle.ui.port", "0")
                .with("spindle.test.password", "hunter2"))) {
            List<Pair<String, Integer>> counts = context.parallelize(List.of("a b", "b c", "c a b"), 3)
                    .flatMap(line -> List.of(line.split(" ")).iterator())
                    .mapToPair(word -> Pair.of(word, 1)).reduceByKey(Integer::sum, 2).collect();
            assertThat(counts).hasSize(3);
            String live = context.uiWebUrl().get();
            String apps = get(live + "/api/v1/applications").body();
            appId = apps.replaceFirst("(?s).*\"id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
            // The UI's store takes the scheduler's events on the listener thread: collect() may return before it
            // has the job's end. Read the live pages once they show the finished job and its stages.
            org.awaitility.Awaitility.await("the live UI has the finished job").atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> {
                        liveJobs = get(live + "/api/v1/applications/" + appId + "/jobs").body();
                        liveStages = get(live + "/api/v1/applications/" + appId + "/stages").body();
                        return liveJobs.matches("(?s).*" + field("status", "\"SUCCEEDED\"") + ".*")
                                && !liveStages.matches("(?s).*" + field("status", "\"ACTIVE\"") + ".*");
                    });
        }
        FileSystem fs = FileSystem.getLocal(new Configuration()).getRaw();
        try (EventLogWriter writer = EventLogWriter.open(fs, new Path(logs), KILLED, 1)) {
            writer.onEvent(new SchedulerEvent.ApplicationStarted(1_700_000_000_000L, KILLED, 1, "killed-am", "bob",
                    Map.of("spindle.master", "yarn"), Map.of()));
        }
        history = HistoryServer.start(SpindleConf.empty().with("spindle.history.dir", logs)
                .with("spindle.history.ui.port", "0"));
    }

    @AfterAll
    static void stop() {
        if (history != null) {
            history.close();
        }
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A JSON field as the pretty printer writes it. */
    private static String field(String name, String value) {
        return "\"" + name + "\"\\s*:\\s*" + java.util.regex.Pattern.quote(value);
    }

    private static String at(String path) {
        return history.uri() + path;
    }

    @Test
    void theRestApiAnswersAsTheLiveUiDid() throws Exception {
        assertThat(get(at("/api/v1/applications/" + appId + "/jobs")).body()).isEqualTo(liveJobs);
        assertThat(get(at("/api/v1/applications/" + appId + "/stages")).body()).isEqualTo(liveStages);
        assertThat(get(at("/api/v1/applications/" + appId + "/1/jobs")).body()).as("by attempt").isEqualTo(liveJobs);
        String env = get(at("/api/v1/applications/" + appId + "/environment")).body();
        assertThat(env).contains("spindle.test.password").doesNotContain("hunter2")
                .as("the driver's runtime, from the event log").contains("javaVersion").contains(Runtime.version().toString());
    }

    @Test
    void theApplicationListHasFinishedAndKilledApplications() throws Exception {
        String apps = get(at("/api/v1/applications")).body();
        assertThat(apps).containsPattern(field("id", "\"" + appId + "\""))
                .containsPattern(field("name", "\"history-test\"")).containsPattern(field("completed", "true")).containsPattern(field("id", "\"" + KILLED + "\""))
                .containsPattern(field("completed", "false"));
        HttpResponse<String> list = get(at("/"));
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("href=\"history/" + appId + "/jobs\"").contains("history-test")
                .contains("killed-am").contains("INCOMPLETE").doesNotContain("href=\"/");
    }

    @Test
    void eachApplicationHasTheLivePagesUnderItsHistoryPath() throws Exception {
        HttpResponse<String> jobs = get(at("/history/" + appId + "/jobs"));
        assertThat(jobs.statusCode()).isEqualTo(200);
        assertThat(jobs.body()).contains("collect").contains("history-test").contains("href=\"static/ui.css\"");
        assertThat(get(at("/history/" + appId + "/static/ui.css")).statusCode()).isEqualTo(200);
        assertThat(get(at("/history/" + appId + "/stages")).body()).contains("reduceByKey");
        assertThat(get(at("/history/" + appId + "/stage?id=0&attempt=0")).statusCode()).isEqualTo(200);
        assertThat(get(at("/history/" + appId + "/environment")).body()).doesNotContain("hunter2");
        assertThat(get(at("/history/" + appId + "/")).headers().firstValue("Location")).hasValue("jobs");
        assertThat(get(at("/history/" + KILLED + "/jobs")).statusCode()).as("a killed AM's log loads").isEqualTo(200);
    }

    @Test
    void anUnknownApplicationIsNotFound() throws Exception {
        HttpResponse<String> page = get(at("/history/application_1_9999/jobs"));
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body()).contains("spindle.history.dir");
        assertThat(get(at("/api/v1/applications/application_1_9999/jobs")).statusCode()).isEqualTo(404);
    }

    @Test
    void badArgumentsAreNamedWithoutEchoingValues() {
        assertThatThrownBy(() -> HistoryServer.parse(new String[] {"--conf", "spindle.history.maxAge"}))
                .isInstanceOf(SpindleException.class).hasMessageContaining("--conf takes key=value");
        assertThatThrownBy(() -> HistoryServer.parse(new String[] {"--conf", "spindle.history.ui.port=-3"}))
                .isInstanceOf(SpindleException.class).hasMessageContaining("spindle.history.ui.port");
        assertThatThrownBy(() -> HistoryServer.parse(new String[] {"--port"}))
                .isInstanceOf(SpindleException.class).hasMessageContaining("unknown argument '--port'");
        assertThat(HistoryServer.parse(new String[] {"--conf", "spindle.history.ui.port=0"})
                .get(dev.spindle.config.SpindleConfig.HISTORY_UI_PORT)).isZero();
    }
}
