package dev.spindle.ui.web;

import static dev.spindle.ui.web.Html.bytes;
import static dev.spindle.ui.web.Html.escape;
import static dev.spindle.ui.web.Html.millis;
import static dev.spindle.ui.web.Html.row;

import dev.spindle.ui.status.ApiModel;
import dev.spindle.ui.status.ApiModel.ExecutorSummary;
import dev.spindle.ui.status.ApiModel.JobData;
import dev.spindle.ui.status.ApiModel.RddStorageInfo;
import dev.spindle.ui.status.ApiModel.StageData;
import dev.spindle.ui.status.AppStatusStore;
import dev.spindle.ui.status.Times;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The list pages: jobs, stages, executors, storage, environment, and the frame around every page. */
final class Pages {
    private Pages() {
    }

    /** The page around {@code body}: title, tabs (relative links), the UI's style and script. */
    static String frame(String heading, String appTitle, String body, String activeTab) {
        StringBuilder tabs = new StringBuilder();
        for (String tab : PageHandler.TABS) {
            tabs.append("<a class=\"tab").append(tab.equals(activeTab) ? " active" : "").append("\" href=\"")
                    .append(tab).append("\">").append(Character.toUpperCase(tab.charAt(0))).append(tab.substring(1))
                    .append("</a>");
        }
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + escape(heading) + " - Spindle "
                + escape(appTitle) + "</title><link rel=\"stylesheet\" href=\"static/ui.css\"></head><body>"
                + "<nav><span class=\"brand\">Spindle</span>" + tabs + "<span class=\"app\">" + escape(appTitle)
                + "</span></nav><main><h1>" + escape(heading) + "</h1>" + body
                + "</main><script src=\"static/ui.js\"></script></body></html>";
    }

    static String jobs(AppStatusStore store) {
        long now = System.currentTimeMillis();
        List<String> rows = new ArrayList<>();
        for (JobData job : store.jobs()) {
            int stagesTotal = job.stageIds().size() - job.numSkippedStages();
            rows.add(row(String.valueOf(job.jobId()), escape(job.name()), escape(job.submissionTime()),
                    duration(Times.between(job.submissionTime(), job.completionTime(), now)),
                    job.numCompletedStages() + "/" + stagesTotal
                            + (job.numSkippedStages() > 0 ? " (" + job.numSkippedStages() + " skipped)" : "")
                            + (job.numFailedStages() > 0 ? " (" + job.numFailedStages() + " failed)" : ""),
                    progress(job.numCompletedTasks(), job.numTasks(), job.numActiveTasks(), job.numFailedTasks()),
                    status(job.status()) + (job.failureReason() == null ? ""
                            : "<div class=\"error\">" + escape(job.failureReason()) + "</div>")));
        }
        return Html.table("jobs", List.of("Job Id", "Description", "Submitted", "Duration", "Stages: Succeeded/Total",
                "Tasks: Succeeded/Total", "Status"), rows);
    }

    static String stages(AppStatusStore store) {
        long now = System.currentTimeMillis();
        List<String> rows = new ArrayList<>();
        for (StageData stage : store.stages()) {
            rows.add(row(Html.link("stage?id=" + stage.stageId() + "&attempt=" + stage.attemptId(),
                    String.valueOf(stage.stageId())), String.valueOf(stage.attemptId()), escape(stage.name()),
                    String.valueOf(stage.jobId()), escape(stage.submissionTime()),
                    duration(Times.between(stage.submissionTime(), stage.completionTime(), now)),
                    progress(stage.numCompleteTasks(), stage.numTasks(), stage.numActiveTasks(), stage.numFailedTasks()),
                    bytes(stage.inputBytes()), bytes(stage.shuffleReadBytes()), bytes(stage.shuffleWriteBytes()),
                    status(stage.status()) + (stage.failureReason() == null ? ""
                            : "<div class=\"error\">" + escape(stage.failureReason()) + "</div>")));
        }
        return Html.table("stages", List.of("Stage Id", "Attempt", "Description", "Job", "Submitted", "Duration",
                "Tasks: Succeeded/Total", "Input", "Shuffle Read", "Shuffle Write", "Status"), rows);
    }

    static String executors(AppStatusStore store) {
        List<String> rows = new ArrayList<>();
        for (ExecutorSummary e : store.executors(true)) {
            StringBuilder logs = new StringBuilder();
            e.executorLogs().forEach((name, url) -> logs.append("<a class=\"log\" href=\"").append(escape(url))
                    .append("\">").append(escape(name)).append("</a> "));
            rows.add(row(escape(e.id()), escape(e.hostPort()), e.isActive() ? "Active" : "Removed"
                    + (e.removeReason() == null ? "" : ": " + escape(e.removeReason())),
                    String.valueOf(e.totalCores()), e.maxMemory() > 0 ? bytes(e.maxMemory()) : "unknown",
                    String.valueOf(e.rddBlocks()), bytes(e.memoryUsed()), bytes(e.diskUsed()),
                    String.valueOf(e.activeTasks()), String.valueOf(e.failedTasks()),
                    String.valueOf(e.completedTasks()), millis(e.totalDuration()), millis(e.totalGCTime()),
                    bytes(e.totalInputBytes()), bytes(e.totalShuffleRead()), bytes(e.totalShuffleWrite()),
                    logs.toString().trim()));
        }
        return Html.table("executors", List.of("Executor ID", "Host", "Status", "Cores", "Max Memory", "RDD Blocks",
                "Storage Memory", "Disk Used", "Active Tasks", "Failed Tasks", "Complete Tasks", "Task Time",
                "GC Time", "Input", "Shuffle Read", "Shuffle Write", "Logs"), rows);
    }

    static String storage(AppStatusStore store) {
        List<String> rows = new ArrayList<>();
        for (RddStorageInfo rdd : store.storage()) {
            String cached = rdd.numPartitions() == null ? String.valueOf(rdd.numCachedPartitions())
                    : rdd.numCachedPartitions() + " of " + rdd.numPartitions() + " (" + Math.round(100.0
                            * rdd.numCachedPartitions() / rdd.numPartitions()) + "%)";
            rows.add(row(String.valueOf(rdd.id()), escape(rdd.name()), cached,
                    bytes(rdd.memoryUsed()), bytes(rdd.diskUsed()), String.valueOf(rdd.dataDistribution().size())));
        }
        if (rows.isEmpty()) {
            return "<p>No dataset is cached.</p>";
        }
        return Html.table("storage", List.of("Dataset", "Name", "Cached Partitions", "Size in Memory", "Size on Disk",
                "Executors"), rows);
    }

    /** Labels of the runtime entries the driver records; another key is shown as it is. */
    private static final Map<String, String> RUNTIME_LABELS = Map.of("javaVersion", "Java Version", "javaHome",
            "Java Home", "spindleVersion", "Spindle Version", "hadoopVersion", "Hadoop Version");

    static String environment(AppStatusStore store) {
        ApiModel.ApplicationEnvironmentInfo environment = store.environment();
        StringBuilder page = new StringBuilder();
        if (!environment.runtime().isEmpty()) {
            List<String> runtime = new ArrayList<>();
            environment.runtime().forEach((key, value) ->
                    runtime.add(row(escape(RUNTIME_LABELS.getOrDefault(key, key)), escape(value))));
            page.append("<h2>Runtime Information</h2>").append(Html.table("runtime", List.of("Name", "Value"), runtime));
        }
        List<String> rows = new ArrayList<>();
        for (List<String> pair : environment.sparkProperties()) {
            rows.add(row(escape(pair.get(0)), escape(pair.get(1))));
        }
        return page.append("<h2>Spindle Properties</h2>").append(Html.table("environment", List.of("Name", "Value"),
                rows)).toString();
    }

    private static String duration(long millis) {
        return millis < 0 ? "" : millis(millis);
    }

    private static String status(String status) {
        return "<span class=\"status " + escape(status.toLowerCase(java.util.Locale.ROOT)) + "\">" + escape(status)
                + "</span>";
    }

    /** A progress bar of tasks: succeeded of total, with running and failed counts. */
    private static String progress(int done, int total, int running, int failed) {
        int percent = total == 0 ? 0 : (int) Math.min(100, 100L * done / total);
        return "<div class=\"progress\"><div class=\"bar\" style=\"width:" + percent + "%\"></div><span>" + done + "/"
                + total + (running > 0 ? " (" + running + " running)" : "")
                + (failed > 0 ? " (" + failed + " failed)" : "") + "</span></div>";
    }
}
