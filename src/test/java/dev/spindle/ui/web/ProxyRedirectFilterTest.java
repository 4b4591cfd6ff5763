package dev.spindle.ui.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The filter in a real JDK HTTP server, requested with the JDK's HttpClient from 127.0.0.1: listed as a proxy host,
 * requests pass; not listed (the proxy is 127.0.0.2, another loopback address), they are redirected.
 */
class ProxyRedirectFilterTest {
    private static final String PROXY_BASE = "http://rm.example:8088/proxy/application_1700000000000_0001";

    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final AtomicInteger served = new AtomicInteger();
    private HttpServer server;

    private URI start(ProxyRedirectFilter filter) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            served.incrementAndGet();
            byte[] body = ("page " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (exchange) {
                exchange.getResponseBody().write(body);
            }
        }).getFilters().add(filter);
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRequestFromTheProxyHostIsServed() throws Exception {
        URI ui = start(new ProxyRedirectFilter(List.of("localhost"), PROXY_BASE));
        HttpResponse<String> response = get(ui.resolve("/jobs/?status=running"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("page /jobs/?status=running");
        assertThat(served).hasValue(1);
    }

    @Test
    void anyOtherRequestIsRedirectedToTheSamePathAndQueryUnderTheProxy() throws Exception {
        URI ui = start(new ProxyRedirectFilter(List.of("127.0.0.2"), PROXY_BASE + "/"));
        HttpResponse<String> page = get(ui.resolve("/stages/stage/?id=3&attempt=0"));
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValue(PROXY_BASE + "/stages/stage/?id=3&attempt=0");
        HttpResponse<String> root = client.send(HttpRequest.newBuilder(ui.resolve("/api/v1/applications"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("Location")).hasValue(PROXY_BASE + "/api/v1/applications");
        assertThat(served).as("requests that reached the UI").hasValue(0);
    }

    @Test
    void aProxyHostThatDoesNotResolveIsLeftOutAndTheOthersStillPass() throws Exception {
        URI ui = start(new ProxyRedirectFilter(List.of("no-such-proxy.invalid", "127.0.0.1"), PROXY_BASE));
        assertThat(get(ui.resolve("/")).statusCode()).isEqualTo(200);
    }

    @Test
    void theProxyBaseMustBeAnHttpUrl() {
        assertThatThrownBy(() -> new ProxyRedirectFilter(List.of("rm"), "rm:8088/proxy/app"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rm:8088/proxy/app");
    }
}
