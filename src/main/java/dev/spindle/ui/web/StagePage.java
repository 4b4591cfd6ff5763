package dev.spindle.ui.web;

import static dev.spindle.ui.web.Html.bytes;
import static dev.spindle.ui.web.Html.escape;
import static dev.spindle.ui.web.Html.millis;

import dev.spindle.ui.status.ApiModel.StageData;
import dev.spindle.ui.status.ApiModel.TaskData;
import dev.spindle.ui.status.ApiModel.TaskMetricDistributions;
import dev.spindle.ui.status.ApiModel.TaskMetricsData;
import dev.spindle.ui.status.AppStatusStore;
import dev.spindle.ui.status.TaskOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;

/**
 * One stage attempt: its totals, the task summary (min, quartiles and max of the successful tasks' metrics) and a
 * paged, sortable task table. The server renders the first page; {@code static/ui.js} fetches the next ones from the
 * REST API's {@code taskList}, so a stage of any size loads one page at a time.
 */
final class StagePage {
    static final int PAGE_LENGTH = 100;
    private static final List<Double> QUARTILES = List.of(0.0, 0.25, 0.5, 0.75, 1.0);
    /** Task table columns and the {@code sortBy} each sorts with ({@code null}: not sortable). */
    private static final String[][] COLUMNS = {
        {"Index", "index"}, {"Task Id", "ID"}, {"Attempt", "attempt"}, {"Status", "status"}, {"Locality", "locality"},
        {"Executor", "executor"}, {"Host", "host"}, {"Launch Time", "launch"}, {"Duration", "runtime"},
        {"GC Time", "gc"}, {"Input", "input"}, {"Shuffle Read", "shuffleRead"}, {"Shuffle Write", "shuffleWrite"},
        {"Spill (Disk)", "spill"}, {"Errors", "error"},
    };

    private StagePage() {
    }

    static String render(AppStatusStore store, String appId, int stageId, int attempt, Map<String, String> query) {
        StageData stage = store.stage(stageId, attempt, false).orElseThrow(() -> new PageHandler.NotFound(
                "No stage " + stageId + " attempt " + attempt + " is known (finished stages beyond "
                        + "spindle.ui.retainedStages are forgotten)."));
        TaskOrder.Sort sort = TaskOrder.parse(query.getOrDefault("sortBy", "index"));
        List<TaskData> firstPage = store.taskList(stageId, attempt, 0, PAGE_LENGTH, sort).orElseThrow();
        TaskMetricDistributions summary = store.taskSummary(stageId, attempt, QUARTILES).orElseThrow();
        int retained = stage.numActiveTasks() + stage.numCompleteTasks() + stage.numFailedTasks()
                + stage.numKilledTasks();
        String api = "api/v1/applications/" + appId + "/stages/" + stageId + "/" + attempt + "/taskList";
        return "<p class=\"summary\">" + escape(stage.name()) + " &middot; " + escape(stage.status()) + " &middot; "
                + stage.numCompleteTasks() + "/" + stage.numTasks() + " tasks succeeded, " + stage.numFailedTasks()
                + " failed &middot; input " + bytes(stage.inputBytes()) + " &middot; shuffle read "
                + bytes(stage.shuffleReadBytes()) + " &middot; shuffle write " + bytes(stage.shuffleWriteBytes())
                + "</p>"
                + (stage.failureReason() == null ? "" : "<div class=\"error\">" + escape(stage.failureReason())
                        + "</div>")
                + "<h2>Summary Metrics for " + stage.numCompleteTasks() + " Completed Tasks</h2>" + summary(summary)
                + "<h2>Tasks (" + retained + ")</h2>"
                + "<div class=\"pager\"><button data-page=\"prev\">&lsaquo; Previous</button> <span class=\"page\">"
                + "</span> <button data-page=\"next\">Next &rsaquo;</button></div>"
                + taskTable(firstPage, api, retained, sort);
    }

    private static String summary(TaskMetricDistributions d) {
        List<String> rows = new ArrayList<>();
        rows.add(quantileRow("Duration", d.duration(), Html::millis));
        rows.add(quantileRow("GC Time", d.jvmGcTime(), Html::millis));
        rows.add(quantileRow("Input Size", d.inputMetrics().bytesRead(), Html::bytes));
        rows.add(quantileRow("Shuffle Read Size", d.shuffleReadMetrics().readBytes(), Html::bytes));
        rows.add(quantileRow("Shuffle Write Size", d.shuffleWriteMetrics().writeBytes(), Html::bytes));
        rows.add(quantileRow("Spill (Disk)", d.diskBytesSpilled(), Html::bytes));
        return Html.table("summary", List.of("Metric", "Min", "25th percentile", "Median", "75th percentile", "Max"),
                rows);
    }

    private static String quantileRow(String name, List<Double> values, DoubleFunction<String> format) {
        String[] cells = new String[values.size() + 1];
        cells[0] = escape(name);
        for (int i = 0; i < values.size(); i++) {
            cells[i + 1] = format.apply(values.get(i));
        }
        return Html.row(cells);
    }

    private static String taskTable(List<TaskData> tasks, String api, int total, TaskOrder.Sort sort) {
        String current = (sort.reverse() ? "-" : "") + sort.order().name();
        StringBuilder out = new StringBuilder("<table class=\"tasks\" data-api=\"").append(escape(api))
                .append("\" data-total=\"").append(total).append("\" data-length=\"").append(PAGE_LENGTH)
                .append("\" data-sort=\"").append(escape(current)).append("\"><thead><tr>");
        for (String[] column : COLUMNS) {
            out.append(column[1] == null ? "<th>" : "<th class=\"sortable\" data-sort=\"" + column[1] + "\">")
                    .append(escape(column[0])).append("</th>");
        }
        out.append("</tr></thead><tbody>");
        for (TaskData task : tasks) {
            out.append(taskRow(task));
        }
        return out.append("</tbody></table>").toString();
    }

    /** One task row; {@code static/ui.js} renders the same cells from the taskList JSON. */
    static String taskRow(TaskData t) {
        TaskMetricsData m = t.taskMetrics();
        return Html.row(String.valueOf(t.index()), String.valueOf(t.taskId()), String.valueOf(t.attempt()),
                escape(t.status()), escape(t.taskLocality()), escape(t.executorId()), escape(t.host()),
                escape(t.launchTime()), t.duration() == null ? "" : millis(t.duration()),
                m == null ? "" : millis(m.jvmGcTime()), m == null ? "" : bytes(m.inputMetrics().bytesRead()),
                m == null ? "" : bytes(m.shuffleReadMetrics().bytesRead()),
                m == null ? "" : bytes(m.shuffleWriteMetrics().bytesWritten()),
                m == null ? "" : bytes(m.diskBytesSpilled()),
                t.errorMessage() == null ? "" : "<pre class=\"error\">" + escape(t.errorMessage()) + "</pre>");
    }
}
