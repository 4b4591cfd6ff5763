package dev.spindle.ui.web;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.spindle.common.SpindleException;
import dev.spindle.ui.status.ApiModel.ApplicationInfo;
import dev.spindle.ui.status.AppStatusStore;
import dev.spindle.ui.status.StoreDirectory;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The UI's pages, rendered on the server: {@code jobs}, {@code stages}, {@code stage?id=&attempt=},
 * {@code executors}, {@code storage}, {@code environment}; the root redirects to {@code jobs}. All pages sit at
 * one level below the root and link relatively, so they work under a proxy's path prefix.
 */
final class PageHandler implements HttpHandler {
    private static final Logger LOG = LogManager.getLogger(PageHandler.class);
    static final List<String> TABS = List.of("jobs", "stages", "storage", "environment", "executors");

    private final StoreDirectory directory;

    PageHandler(StoreDirectory directory) {
        this.directory = requireNonNull(directory, "directory is null");
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String page = path.substring(path.lastIndexOf('/') + 1);
        try {
            if (path.equals("/")) {
                exchange.getResponseHeaders().set("Location", "jobs");
                Responses.send(exchange, 302, "text/plain; charset=utf-8", new byte[0]);
                return;
            }
            if (path.indexOf('/', 1) >= 0 || !(TABS.contains(page) || page.equals("stage"))) {
                Responses.html(exchange, 404, Pages.frame("Not found", "", "<p>No page " + Html.escape(path)
                        + ". Pages: " + Html.escape(String.join(", ", TABS)) + ".</p>", ""));
                return;
            }
            List<AppStatusStore> stores = directory.stores();
            if (stores.isEmpty()) {
                Responses.html(exchange, 503, Pages.frame("Starting", "", "<p>The application has not started "
                        + "yet; reload in a moment.</p>", ""));
                return;
            }
            AppStatusStore store = stores.get(0);
            ApplicationInfo app = store.application().orElseThrow();
            Responses.html(exchange, 200, render(page, store, app, Responses.query(exchange)));
        } catch (NotFound e) {
            Responses.html(exchange, 404, Pages.frame("Not found", "", "<p>" + Html.escape(e.getMessage())
                    + "</p>", ""));
        } catch (SpindleException e) {
            Responses.html(exchange, 400, Pages.frame("Bad request", "", "<p>" + Html.escape(e.getMessage())
                    + "</p>", ""));
        } catch (RuntimeException e) {
            LOG.warn("UI page {} failed", exchange.getRequestURI(), e);
            Responses.html(exchange, 500, Pages.frame("Error", "", "<p>" + Html.escape(e.toString()) + "</p>", ""));
        }
    }

    /** An unknown stage or attempt. */
    static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message, null, false, false);
        }
    }

    private static String render(String page, AppStatusStore store, ApplicationInfo app, Map<String, String> query) {
        String title = app.name() + " (" + app.id() + ")";
        switch (page) {
            case "jobs":
                return Pages.frame("Jobs", title, Pages.jobs(store), page);
            case "stages":
                return Pages.frame("Stages", title, Pages.stages(store), page);
            case "stage":
                int id = intParam(query, "id");
                int attempt = query.containsKey("attempt") ? intParam(query, "attempt") : 0;
                return Pages.frame("Stage " + id + " (attempt " + attempt + ")", title,
                        StagePage.render(store, app.id(), id, attempt, query), "stages");
            case "executors":
                return Pages.frame("Executors", title, Pages.executors(store), page);
            case "storage":
                return Pages.frame("Storage", title, Pages.storage(store), page);
            default:
                return Pages.frame("Environment", title, Pages.environment(store), page);
        }
    }

    private static int intParam(Map<String, String> query, String name) {
        String value = query.get(name);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw SpindleException.invalidArgument("%s=%s is not a number; the stage page takes ?id=<stage>&attempt="
                    + "<attempt>", name, value);
        }
    }
}
