package io.liquidations.connect.binance.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * The few calls of Confluent's Schema Registry REST API a consumer and an operator make, spoken over plain HTTP so
 * that the tests depend on the API, not on a client library. Works against Confluent Schema Registry and against
 * Apicurio Registry's {@code /apis/ccompat/v7}. Schemas looked up by id are cached: an id never changes meaning.
 */
public final class ConfluentSchemaRegistryClient {
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    /** @param baseUrl e.g. {@code http://localhost:8081} or {@code http://127.0.0.1:8080/apis/ccompat/v7} */
    public ConfluentSchemaRegistryClient(String baseUrl) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
    }

    public record RegisteredSchema(String subject, int id, int version, Schema schema) {
    }

    public record Compatibility(boolean compatible, List<String> messages) {
    }

    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        get("/subjects").forEach(subject -> subjects.add(subject.asText()));
        return subjects;
    }

    /** The writer schema a record's id names: {@code GET /schemas/ids/{id}}. */
    public Schema schemaById(int id) {
        return schemasById.computeIfAbsent(id, key -> parse(get("/schemas/ids/" + key).path("schema").asText()));
    }

    public RegisteredSchema latest(String subject) {
        JsonNode node = get("/subjects/" + encode(subject) + "/versions/latest");
        return new RegisteredSchema(node.path("subject").asText(), node.path("id").asInt(),
                node.path("version").asInt(), parse(node.path("schema").asText()));
    }

    /** {@code PUT /config/{subject}}, e.g. BACKWARD or FULL. */
    public void setCompatibility(String subject, String level) {
        send("PUT", "/config/" + encode(subject), json.createObjectNode().put("compatibility", level));
    }

    /** The subject's own compatibility level ({@code GET /config/{subject}}). */
    public String compatibility(String subject) {
        JsonNode node = get("/config/" + encode(subject));
        return node.path("compatibilityLevel").asText(node.path("compatibility").asText());
    }

    /** Would the registry accept {@code candidate} as the subject's next version? Asks verbosely, for the reason. */
    public Compatibility checkAgainstLatest(String subject, Schema candidate) {
        JsonNode node = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
                json.createObjectNode().put("schema", candidate.toString()));
        List<String> messages = new ArrayList<>();
        JsonNode reason = node.path("reason");
        if (reason.isTextual()) {
            messages.add(reason.asText());
        }
        node.path("messages").forEach(message -> messages.add(message.asText()));
        return new Compatibility(node.path("is_compatible").asBoolean(false), messages);
    }

    private JsonNode get(String path) {
        return send("GET", path, null);
    }

    private JsonNode send(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(10)).header("Accept", CONTENT_TYPE);
        try {
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", CONTENT_TYPE)
                        .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " " + baseUrl + path + " answered " + response.statusCode()
                        + ": " + response.body());
            }
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + baseUrl + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + method + " " + baseUrl + path, e);
        }
    }

    private static Schema parse(String schema) {
        return new Schema.Parser().parse(schema);
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8);
    }
}
