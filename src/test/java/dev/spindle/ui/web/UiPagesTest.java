package dev.spindle.ui.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.api.Context;
import dev.spindle.api.Dataset;
import dev.spindle.common.Pair;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pages of a local application over plain HTTP: the right data, and only relative links. */
@Timeout(120)
class UiPagesTest {
    private static final Pattern LINK = Pattern.compile("(?:href|src)=\"([^\"]*)\"");
    private static Context context;
    private static UiHttp http;

    @BeforeAll
    static void runJobs() {
        context = new Context(SpindleConf.empty().with(SpindleConfig.MASTER, "local[2]")
                .with(SpindleConfig.UI_PORT, "0").with(SpindleConfig.APP_NAME, "pages test"));
        Dataset<Integer> numbers = context.parallelize(List.of(1, 2, 3, 4, 5, 6, 7, 8), 4).cache();
        numbers.count();
        numbers.mapToPair(n -> Pair.of(n % 3, n)).reduceByKey(Integer::sum, 3).collect();
        http = new UiHttp(URI.create(context.uiWebUrl().get()));
        String appId = http.json("api/v1/applications").get(0).get("id").asText();
        org.awaitility.Awaitility.await().until(() -> http.json("api/v1/applications/" + appId + "/jobs?status="
                + "succeeded").size() == 2);
    }

    @AfterAll
    static void close() {
        if (context != null) {
            context.close();
        }
    }

    private static String page(String name) {
        HttpResponse<String> response = http.get(name);
        assertThat(response.statusCode()).as(name).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/html"));
        return response.body();
    }

    @Test
    void rootRedirectsRelativelyToJobs() {
        HttpResponse<String> response = http.get("");
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValue("jobs");
    }

    @Test
    void jobsPageShowsEachJobWithItsStages() {
        String jobs = page("jobs");
        assertThat(jobs).contains("count at UiPagesTest.java").contains("collect at UiPagesTest.java")
                .contains("SUCCEEDED").contains("2/2").contains("1/1").contains("pages test");
    }

    @Test
    void stagesPageLinksEachStageAttempt() {
        String stages = page("stages");
        assertThat(stages).contains("href=\"stage?id=0&amp;attempt=0\"").contains("href=\"stage?id=2&amp;attempt=0\"")
                .contains("COMPLETE");
    }

    @Test
    void stagePageHasTheSummaryAndTheFirstPageOfTasks() {
        String stage = page("stage?id=0&attempt=0");
        assertThat(stage).contains("Summary Metrics for 4 Completed Tasks").contains("25th percentile")
                .contains("Shuffle Write Size").contains("Locality").contains("data-api=\"api/v1/applications/");
        assertThat(Pattern.compile("<tr><td>\\d+</td>").matcher(stage).results().count()).isEqualTo(4);
        // Job 0 computed the cached partitions, with no preference; job 1's map stage reads them where they are.
        assertThat(stage).contains("<td>NO_PREF</td>");
        assertThat(page("stage?id=2&attempt=0")).contains("<td>PROCESS_LOCAL</td>").doesNotContain("<td>ANY</td>");
        assertThat(http.get("stage?id=77&attempt=0").statusCode()).isEqualTo(404);
        assertThat(http.get("stage?id=x").statusCode()).isEqualTo(400);
    }

    @Test
    void executorsStorageAndEnvironmentPagesShowTheirData() {
        assertThat(page("executors")).contains("<td>driver</td>").contains("Active").contains("<td>2</td>");
        assertThat(page("storage")).contains("Cached Partitions").contains("<td>4 of 4 (100%)</td>")
                .contains("parallelize at UiPagesTest.java");
        assertThat(page("environment")).contains("spindle.app.name").contains("pages test")
                .contains("<td>Java Version</td><td>" + Runtime.version());
        assertThat(http.get("nowhere").statusCode()).isEqualTo(404);
        assertThat(http.get("static/ui.js").body()).contains("taskList").doesNotContain("http");
    }

    @Test
    void everyLinkIsRelative() {
        List<String> links = new ArrayList<>();
        for (String name : List.of("jobs", "stages", "stage?id=0&attempt=0", "executors", "storage", "environment")) {
            Matcher matcher = LINK.matcher(page(name));
            while (matcher.find()) {
                links.add(matcher.group(1));
            }
        }
        assertThat(links).isNotEmpty().contains("static/ui.css", "static/ui.js", "jobs", "executors")
                .allSatisfy(link -> assertThat(link).doesNotStartWith("/").doesNotContain("://"));
    }
}
