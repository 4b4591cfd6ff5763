package dev.spindle.ui.web;

import static dev.spindle.ui.web.Html.escape;
import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.spindle.ui.status.ApiModel.ApplicationAttemptInfo;
import dev.spindle.ui.status.ApiModel.ApplicationInfo;
import dev.spindle.ui.status.AppStatusStore;
import dev.spindle.ui.status.StoreDirectory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The history server's pages: the list of applications at the root, and under {@code history/<appId>/} the pages of
 * that application, the same as its live UI showed (its latest attempt), with their static files and the REST API
 * the stage page reads. Every link stays relative.
 */
final class HistoryHandler implements HttpHandler {
    static final String PREFIX = "/history/";
    private static final Logger LOG = LogManager.getLogger(HistoryHandler.class);

    private final StoreDirectory directory;
    private final ApiHandler api;
    private final StaticHandler statics = new StaticHandler();

    HistoryHandler(StoreDirectory directory) {
        this.directory = requireNonNull(directory, "directory is null");
        this.api = new ApiHandler(directory);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        try {
            if (path.equals("/")) {
                Responses.html(exchange, 200, listPage(directory.applications()));
                return;
            }
            if (!path.startsWith(PREFIX) || path.length() == PREFIX.length()) {
                notFound(exchange, "No page " + path + ". The applications are listed at the root.");
                return;
            }
            String rest = path.substring(PREFIX.length());
            int slash = rest.indexOf('/');
            if (slash < 0) {
                exchange.getResponseHeaders().set("Location", rest + "/");
                Responses.send(exchange, 302, "text/plain; charset=utf-8", new byte[0]);
                return;
            }
            String appId = rest.substring(0, slash);
            String sub = rest.substring(slash);
            if (sub.startsWith(StaticHandler.PREFIX)) {
                statics.handle(exchange, sub);
            } else if (sub.startsWith(ApiHandler.PREFIX)) {
                api.handle(exchange, sub);
            } else {
                Optional<AppStatusStore> store = directory.store(appId);
                if (store.isEmpty()) {
                    notFound(exchange, "No application " + appId + " in the history: its event log is not in the "
                            + "history directory (spindle.history.dir), or was cleaned up (spindle.history.maxAge).");
                    return;
                }
                new PageHandler(StoreDirectory.single(store.get())).handle(exchange, sub);
            }
        } catch (RuntimeException e) {
            LOG.warn("History page {} failed", exchange.getRequestURI(), e);
            Responses.html(exchange, 500, Pages.frame("Error", "", "<p>" + escape(e.toString()) + "</p>", ""));
        }
    }

    private static void notFound(HttpExchange exchange, String message) throws IOException {
        Responses.html(exchange, 404, page("Not found", "<p>" + escape(message) + "</p>"));
    }

    static String listPage(List<ApplicationInfo> applications) {
        List<String> rows = new ArrayList<>();
        for (ApplicationInfo app : applications) {
            ApplicationAttemptInfo last = app.attempts().get(app.attempts().size() - 1);
            String status = last.completed() ? String.valueOf(last.finalStatus()) : "INCOMPLETE";
            rows.add(Html.row(Html.link("history/" + app.id() + "/jobs", app.id()), escape(app.name()),
                    escape(app.attempts().size()), escape(last.sparkUser()), escape(app.attempts().get(0).startTime()),
                    escape(last.endTime() == null ? "" : last.endTime()), Html.millis(last.duration()),
                    "<span class=\"status " + escape(status.toLowerCase(java.util.Locale.ROOT)) + "\">"
                            + escape(status) + "</span>"));
        }
        String body = applications.isEmpty() ? "<p>No event logs yet in the history directory.</p>"
                : Html.table("applications", List.of("App ID", "App Name", "Attempts", "User", "Started",
                        "Completed", "Duration", "Status"), rows);
        return page("Applications", body);
    }

    private static String page(String heading, String body) {
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + escape(heading)
                + " - Spindle History</title><link rel=\"stylesheet\" href=\"static/ui.css\"></head><body>"
                + "<nav><span class=\"brand\">Spindle History</span></nav><main><h1>" + escape(heading) + "</h1>"
                + body + "</main></body></html>";
    }
}
