import dev.spindle.api.Context;
import dev.spindle.config.SpindleConf;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Runs one stage of 10,000 tasks in local[2] with the web UI on, then times loading that stage's page and the first
 * page of its task table (REST taskList, as the page's script fetches it): REPS times each, prints the medians.
 * Run by bench/ui.sh: java -cp SPINDLE_CLASSPATH bench/UiPageLoad.java [REPS]
 */
public final class UiPageLoad {
    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        try (Context context = new Context(SpindleConf.empty().with("spindle.master", "local[2]")
                .with("spindle.ui.port", "0").with("spindle.ui.showConsoleProgress", "false"))) {
            long count = context.parallelize(IntStream.range(0, 10_000).boxed().toList(), 10_000).count();
            if (count != 10_000) {
                throw new IllegalStateException("count " + count);
            }
            String ui = context.uiWebUrl().get();
            HttpClient http = HttpClient.newHttpClient();
            String apps = http.send(HttpRequest.newBuilder(URI.create(ui + "/api/v1/applications")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String appId = apps.replaceFirst("(?s).*\"id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
            List<Long> page = new ArrayList<>();
            List<Long> tasks = new ArrayList<>();
            List<Long> both = new ArrayList<>();
            for (int i = 0; i < reps + 1; i++) { // the first round warms up and is not counted
                long t0 = System.nanoTime();
                check(http.send(HttpRequest.newBuilder(URI.create(ui + "/stage?id=0&attempt=0")).build(),
                        HttpResponse.BodyHandlers.ofString()));
                long t1 = System.nanoTime();
                check(http.send(HttpRequest.newBuilder(URI.create(ui + "/api/v1/applications/" + appId
                        + "/stages/0/0/taskList?offset=0&length=100&sortBy=-runtime")).build(),
                        HttpResponse.BodyHandlers.ofString()));
                long t2 = System.nanoTime();
                if (i > 0) {
                    page.add((t1 - t0) / 1_000_000);
                    tasks.add((t2 - t1) / 1_000_000);
                    both.add((t2 - t0) / 1_000_000);
                }
            }
            System.out.printf("stage of 10,000 tasks: page %d ms, first taskList page %d ms, both %d ms (medians of "
                    + "%d)%n", median(page), median(tasks), median(both), reps);
        }
    }

    private static void check(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException(response.uri() + " answered " + response.statusCode());
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
