package dev.spindle.ui.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** The UI's scripts and styles, from the class path ({@code dev/spindle/ui/static/}); nothing comes from a CDN. */
final class StaticHandler implements HttpHandler {
    static final String PREFIX = "/static/";
    private static final String ROOT = "/dev/spindle/ui/static/";
    private static final Map<String, String> TYPES = Map.of("js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8");

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String name = exchange.getRequestURI().getPath().substring(PREFIX.length());
        String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
        if (!name.matches("[a-z0-9-]+\\.[a-z]+") || type == null) {
            Responses.error(exchange, 404, "no such static file: " + name);
            return;
        }
        try (InputStream in = StaticHandler.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                Responses.error(exchange, 404, "no such static file: " + name);
                return;
            }
            Responses.send(exchange, 200, type, in.readAllBytes());
        }
    }
}
