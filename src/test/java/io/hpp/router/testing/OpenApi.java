package io.hpp.router.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Set;
import java.util.stream.Collectors;

/** Validates JSON against a schema of the router's own OpenAPI document (src/main/resources/openapi). */
public final class OpenApi {
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private OpenApi() {
    }

    /** The validation errors of {@code json} against {@code #/components/schemas/<schemaName>}; empty when valid. */
    public static Set<String> errors(String schemaName, JsonNode json) {
        JsonSchema schema = FACTORY.getSchema(SchemaLocation.of("classpath:openapi/consumer-v1.yaml#/components/schemas/" + schemaName));
        return schema.validate(json).stream().map(ValidationMessage::getMessage).collect(Collectors.toSet());
    }
}
