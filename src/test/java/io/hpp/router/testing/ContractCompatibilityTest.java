package io.hpp.router.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Our served OpenAPI document keeps every path, operation, schema and required field of the published 0.1.0 contract. */
class ContractCompatibilityTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode load(String resource) throws IOException {
        try (InputStream in = ContractCompatibilityTest.class.getResourceAsStream(resource)) {
            return YAML.readTree(in);
        }
    }

    @Test
    void ourDocumentIsASupersetOfThePublishedContract() throws IOException {
        JsonNode reference = load("/reference/consumer-v1.yaml");
        JsonNode ours = load("/openapi/consumer-v1.yaml");
        List<String> missing = new ArrayList<>();
        reference.get("paths").properties().forEach(p -> p.getValue().properties().forEach(op -> {
            JsonNode mine = ours.path("paths").path(p.getKey()).path(op.getKey());
            if (!mine.path("operationId").equals(op.getValue().path("operationId"))) {
                missing.add(op.getKey() + " " + p.getKey());
            }
            op.getValue().path("responses").fieldNames().forEachRemaining(status -> {
                if (!mine.path("responses").has(status)) {
                    missing.add(op.getKey() + " " + p.getKey() + " response " + status);
                }
            });
        }));
        reference.at("/components/schemas").properties().forEach(s -> {
            JsonNode mine = ours.at("/components/schemas/" + s.getKey());
            if (mine.isMissingNode()) {
                missing.add("schema " + s.getKey());
                return;
            }
            s.getValue().path("required").forEach(r -> {
                if (!containsText(mine.path("required"), r.asText())) {
                    missing.add("schema " + s.getKey() + " required " + r.asText());
                }
            });
            s.getValue().path("properties").fieldNames().forEachRemaining(f -> {
                if (!mine.path("properties").has(f)) {
                    missing.add("schema " + s.getKey() + " property " + f);
                }
            });
        });
        assertThat(missing).isEmpty();
        assertThat(ours.at("/paths/~1api~1route-preview/post/operationId").asText()).isEqualTo("previewRoute");
    }

    private static boolean containsText(JsonNode array, String value) {
        for (JsonNode n : array) {
            if (n.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }
}
