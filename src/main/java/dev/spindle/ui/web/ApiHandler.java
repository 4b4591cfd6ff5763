package dev.spindle.ui.web;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.spindle.common.SpindleException;
import dev.spindle.ui.status.ApiModel.ApplicationInfo;
import dev.spindle.ui.status.AppStatusStore;
import dev.spindle.ui.status.StoreDirectory;
import dev.spindle.ui.status.TaskOrder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The JSON REST API under {@code /api/v1}, with the resource paths of Spark's monitoring API:
 * {@code applications}, {@code applications/<appId>} and below it {@code jobs[/<id>]}, {@code stages[/<id>[/<attempt>
 * [/taskList|/taskSummary]]]}, {@code executors}, {@code allexecutors}, {@code storage/rdd[/<id>]} and
 * {@code environment}; {@code applications/<appId>/<attemptId>/...} works too. Unknown resources and ids answer 404,
 * bad parameters 400, each with a JSON {@code message}.
 */
public final class ApiHandler implements HttpHandler {
    private static final Logger LOG = LogManager.getLogger(ApiHandler.class);
    static final String PREFIX = "/api/v1/";
    private static final Set<String> RESOURCES = Set.of("jobs", "stages", "executors", "allexecutors", "storage",
            "environment");
    private static final String DEFAULT_QUANTILES = "0.05,0.25,0.5,0.75,0.95";

    private final StoreDirectory directory;

    public ApiHandler(StoreDirectory directory) {
        this.directory = requireNonNull(directory, "directory is null");
    }

    /** An answer other than 200: its status and message. */
    private static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Failure(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                throw new Failure(405, exchange.getRequestMethod() + " is not supported; the API is read-only (GET)");
            }
            String path = exchange.getRequestURI().getPath();
            String rest = path.length() > PREFIX.length() ? path.substring(PREFIX.length()) : "";
            List<String> segments = new ArrayList<>(Arrays.asList(rest.split("/")));
            segments.removeIf(String::isEmpty);
            Responses.json(exchange, 200, route(segments, Responses.query(exchange)));
        } catch (Failure f) {
            Responses.error(exchange, f.status, f.getMessage());
        } catch (SpindleException e) {
            Responses.error(exchange, 400, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("REST request {} failed", exchange.getRequestURI(), e);
            Responses.error(exchange, 500, "internal error: " + e);
        }
    }

    private Object route(List<String> segments, Map<String, String> query) throws Failure {
        if (segments.isEmpty() || !segments.get(0).equals("applications")) {
            throw notFound("unknown resource; the API lives under /api/v1/applications");
        }
        if (segments.size() == 1) {
            List<ApplicationInfo> apps = new ArrayList<>();
            directory.stores().forEach(store -> store.application().ifPresent(apps::add));
            return apps;
        }
        String appId = segments.get(1);
        AppStatusStore store = directory.store(appId).orElseThrow(() -> notFound("no such application: " + appId));
        ApplicationInfo app = store.application().orElseThrow(() -> notFound("no such application: " + appId));
        List<String> rest = segments.subList(2, segments.size());
        if (!rest.isEmpty() && !RESOURCES.contains(rest.get(0))) {
            String attemptId = rest.get(0);
            if (app.attempts().stream().noneMatch(a -> a.attemptId().equals(attemptId))) {
                throw notFound("unknown resource or attempt '" + attemptId + "' of application " + appId
                        + "; resources: " + RESOURCES);
            }
            rest = rest.subList(1, rest.size());
        }
        if (rest.isEmpty()) {
            return app;
        }
        return resource(store, appId, rest, query);
    }

    private static Object resource(AppStatusStore store, String appId, List<String> rest, Map<String, String> query)
            throws Failure {
        String resource = rest.get(0);
        int depth = rest.size();
        switch (resource) {
            case "jobs":
                if (depth == 1) {
                    return filterByStatus(store.jobs(), query, j -> j.status());
                }
                int jobId = intSegment(rest.get(1), "job id");
                if (depth == 2) {
                    return store.job(jobId).orElseThrow(() -> notFound("unknown job " + jobId + " in " + appId));
                }
                break;
            case "stages":
                return stages(store, appId, rest, query);
            case "executors":
            case "allexecutors":
                if (depth == 1) {
                    return store.executors(resource.equals("allexecutors"));
                }
                break;
            case "storage":
                if (depth >= 2 && rest.get(1).equals("rdd")) {
                    if (depth == 2) {
                        return store.storage();
                    }
                    int rddId = intSegment(rest.get(2), "rdd id");
                    if (depth == 3) {
                        return store.rdd(rddId).orElseThrow(() -> notFound("unknown cached dataset " + rddId
                                + " in " + appId));
                    }
                }
                break;
            case "environment":
                if (depth == 1) {
                    return store.environment();
                }
                break;
            default:
                break;
        }
        throw notFound("unknown resource " + String.join("/", rest) + " of application " + appId);
    }

    private static Object stages(AppStatusStore store, String appId, List<String> rest, Map<String, String> query)
            throws Failure {
        if (rest.size() == 1) {
            return filterByStatus(store.stages(), query, s -> s.status());
        }
        int stageId = intSegment(rest.get(1), "stage id");
        if (rest.size() == 2) {
            var attempts = store.stageAttempts(stageId);
            if (attempts.isEmpty()) {
                throw notFound("unknown stage " + stageId + " in " + appId);
            }
            return attempts;
        }
        int attempt = intSegment(rest.get(2), "stage attempt");
        String what = "stage " + stageId + " attempt " + attempt + " in " + appId;
        if (rest.size() == 3) {
            boolean details = Boolean.parseBoolean(query.getOrDefault("details", "false"));
            return store.stage(stageId, attempt, details).orElseThrow(() -> notFound("unknown " + what));
        }
        if (rest.size() == 4 && rest.get(3).equals("taskList")) {
            int offset = intParam(query, "offset", 0);
            int length = intParam(query, "length", 20);
            if (offset < 0 || length < 0) {
                throw new Failure(400, "offset=" + offset + " and length=" + length + " must not be negative");
            }
            TaskOrder.Sort sort = TaskOrder.parse(query.get("sortBy"));
            return store.taskList(stageId, attempt, offset, length, sort)
                    .orElseThrow(() -> notFound("unknown " + what));
        }
        if (rest.size() == 4 && rest.get(3).equals("taskSummary")) {
            List<Double> quantiles = new ArrayList<>();
            for (String q : query.getOrDefault("quantiles", DEFAULT_QUANTILES).split(",")) {
                try {
                    quantiles.add(Double.parseDouble(q.trim()));
                } catch (NumberFormatException e) {
                    throw new Failure(400, "quantiles=" + query.get("quantiles") + ": '" + q + "' is not a number; "
                            + "give numbers between 0 and 1, such as " + DEFAULT_QUANTILES);
                }
            }
            return store.taskSummary(stageId, attempt, quantiles).orElseThrow(() -> notFound("unknown " + what));
        }
        throw notFound("unknown resource " + String.join("/", rest) + " of application " + appId);
    }

    private static <T> List<T> filterByStatus(List<T> all, Map<String, String> query,
            java.util.function.Function<T, String> status) {
        String wanted = query.get("status");
        if (wanted == null || wanted.isEmpty()) {
            return all;
        }
        Set<String> statuses = Set.of(wanted.toUpperCase(Locale.ROOT).split(","));
        return all.stream().filter(item -> statuses.contains(status.apply(item))).toList();
    }

    private static int intSegment(String segment, String what) throws Failure {
        try {
            return Integer.parseInt(segment);
        } catch (NumberFormatException e) {
            throw notFound(what + " '" + segment + "' is not a number");
        }
    }

    private static int intParam(Map<String, String> query, String name, int dflt) throws Failure {
        String value = query.get(name);
        if (value == null || value.isEmpty()) {
            return dflt;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new Failure(400, name + "=" + value + " is not an integer");
        }
    }

    private static Failure notFound(String message) {
        return new Failure(404, message);
    }
}
