package dev.spindle.ui.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** Plain HTTP requests to a UI, and JSON with its volatile fields normalized, for the UI's tests. */
final class UiHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Fields that differ between runs: times, durations, GC, hosts, memory. */
    static final Set<String> VOLATILE = Set.of("submissionTime", "completionTime", "firstTaskLaunchedTime",
            "launchTime", "addTime", "removeTime", "duration", "executorRunTime", "jvmGcTime", "totalDuration",
            "totalGCTime", "hostPort", "host", "maxMemory", "resultSize", "startTime", "endTime", "lastUpdated",
            "startTimeEpoch", "endTimeEpoch", "lastUpdatedEpoch");

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final URI root;

    UiHttp(URI root) {
        this.root = root;
    }

    HttpResponse<String> get(String relativePath) {
        try {
            return client.send(HttpRequest.newBuilder(root.resolve("/" + relativePath)).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    JsonNode json(String relativePath) {
        HttpResponse<String> response = get(relativePath);
        if (response.statusCode() != 200) {
            throw new AssertionError(relativePath + " answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code node} with every volatile field that is present replaced by {@code "<volatile>"}. */
    static JsonNode normalized(JsonNode node) {
        JsonNode copy = node.deepCopy();
        normalize(copy);
        return copy;
    }

    private static void normalize(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (VOLATILE.contains(field.getKey()) && !field.getValue().isNull()) {
                    field.setValue(object.textNode("<volatile>"));
                } else {
                    normalize(field.getValue());
                }
            }
        } else if (node.isArray()) {
            node.forEach(UiHttp::normalize);
        }
    }

    /**
     * Asserts that {@code actual}, normalized, equals fixture {@code name}; the normalized JSON is left in
     * {@code target/ui-actual/<name>} to compare with, or to become the fixture after a deliberate change.
     */
    static void assertMatchesFixture(JsonNode actual, String name) {
        JsonNode normalized = normalized(actual);
        try {
            java.nio.file.Path out = java.nio.file.Path.of("target", "ui-actual", name);
            java.nio.file.Files.createDirectories(out.getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), normalized);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        org.assertj.core.api.Assertions.assertThat(normalized).as("%s (actual in target/ui-actual)", name)
                .isEqualTo(fixture(name));
    }

    static JsonNode fixture(String name) {
        try (var in = UiHttp.class.getResourceAsStream("/ui/" + name)) {
            if (in == null) {
                throw new AssertionError("no fixture src/test/resources/ui/" + name);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
