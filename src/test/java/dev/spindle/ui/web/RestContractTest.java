package dev.spindle.ui.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.api.Context;
import dev.spindle.common.Pair;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The REST API's JSON for a known job (a word count over 2 partitions, reduced into 2) equals the fixtures in
 * {@code src/test/resources/ui}, times, durations, GC, hosts and memory normalized.
 */
@Timeout(120)
class RestContractTest {
    private static Context context;
    private static UiHttp http;
    private static String appId;
    private static Map<String, Long> counts;

    @BeforeAll
    static void runWordCount() {
        context = new Context(SpindleConf.empty().with(SpindleConfig.MASTER, "local[2]")
                .with(SpindleConfig.UI_PORT, "0").with(SpindleConfig.APP_NAME, "word count")
                .with("spindle.hadoop.fs.s3a.secret.key", "do-not-show-me"));
        counts = context.parallelize(List.of("a b a", "c a b", "b d", "a"), 2)
                .flatMap(line -> List.of(line.split(" ")).iterator())
                .mapToPair(word -> Pair.of(word, 1L))
                .reduceByKey(Long::sum, 2)
                .collectAsMap();
        http = new UiHttp(URI.create(context.uiWebUrl().get()));
        appId = http.json("api/v1/applications").get(0).get("id").asText();
        // Task and stage ends reach the store on the listener bus thread, after the job's result: wait for them.
        org.awaitility.Awaitility.await().until(() -> http.json("api/v1/applications/" + appId + "/jobs/0")
                .get("status").asText().equals("SUCCEEDED"));
    }

    @AfterAll
    static void close() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void jobMatchesTheFixture() {
        assertThat(counts).containsEntry("a", 4L).containsEntry("b", 3L);
        UiHttp.assertMatchesFixture(http.json("api/v1/applications/" + appId + "/jobs/0"), "job.json");
    }

    @Test
    void stageAttemptMatchesTheFixture() {
        UiHttp.assertMatchesFixture(http.json("api/v1/applications/" + appId + "/stages/1/0"), "stage.json");
    }

    @Test
    void executorMatchesTheFixture() {
        UiHttp.assertMatchesFixture(http.json("api/v1/applications/" + appId + "/executors"), "executors.json");
    }

    @Test
    void taskListIsPagedAndSortedAndTheSummaryHasTheQuantilesAsked() {
        JsonNode page = http.json("api/v1/applications/" + appId + "/stages/0/0/taskList?offset=1&length=5&sortBy=-ID");
        assertThat(page).hasSize(1);
        assertThat(page.get(0).get("index").asInt()).isZero();
        JsonNode summary = http.json("api/v1/applications/" + appId + "/stages/1/0/taskSummary?quantiles=0,1");
        assertThat(summary.get("quantiles")).hasSize(2);
        assertThat(summary.get("shuffleWriteMetrics").get("writeBytes").get(1).asDouble()).isPositive();
    }

    @Test
    void unknownIdsAnswer404WithAJsonMessage() {
        for (String path : List.of("jobs/99", "stages/99", "stages/1/7", "stages/1/7/taskList", "nothing", "jobs/x")) {
            HttpResponse<String> response = http.get("api/v1/applications/" + appId + "/" + path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            assertThat(response.body()).contains("\"message\"");
        }
        assertThat(http.get("api/v1/applications/app-none/jobs").statusCode()).isEqualTo(404);
        HttpResponse<String> badSort = http.get("api/v1/applications/" + appId + "/stages/0/0/taskList?sortBy=colour");
        assertThat(badSort.statusCode()).isEqualTo(400);
        assertThat(badSort.body()).contains("sortBy=colour is not a task order");
    }

    @Test
    void environmentNamesWhatTheDriverRunsOn() {
        JsonNode runtime = http.json("api/v1/applications/" + appId + "/environment").get("runtime");
        assertThat(runtime.get("javaVersion").asText()).startsWith(Runtime.version() + " (");
        assertThat(runtime.get("javaHome").asText()).isEqualTo(System.getProperty("java.home"));
        assertThat(runtime.get("hadoopVersion").asText()).isEqualTo(org.apache.hadoop.util.VersionInfo.getVersion());
        assertThat(runtime.get("spindleVersion").asText()).isNotBlank();
        assertThat(http.get("environment").body()).contains("<h2>Runtime Information</h2>")
                .contains("<td>Java Home</td><td>" + System.getProperty("java.home") + "</td>");
    }

    @Test
    void environmentRedactsSecrets() {
        JsonNode properties = http.json("api/v1/applications/" + appId + "/environment").get("sparkProperties");
        assertThat(properties.toString()).contains("spindle.hadoop.fs.s3a.secret.key")
                .contains("*********(redacted)").doesNotContain("do-not-show-me");
        HttpResponse<String> page = http.get("environment");
        assertThat(page.body()).contains("spindle.hadoop.fs.s3a.secret.key").contains("*********(redacted)")
                .doesNotContain("do-not-show-me");
    }
}
