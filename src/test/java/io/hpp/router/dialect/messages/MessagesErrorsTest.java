package io.hpp.router.dialect.messages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.common.Json;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MessagesErrorsTest {
    @ParameterizedTest(name = "{0} {1} → {3} {4}")
    @CsvSource(delimiter = '|', textBlock = """
            400 | invalid_request    | Bad field        | 400 | invalid_request_error | Bad field
            400 | model_not_found    | No model 'x/y'   | 404 | not_found_error       | No model 'x/y'
            400 | unsupported_model  | Not a chat model | 400 | invalid_request_error | Not a chat model
            401 | unauthorized       | Invalid API key  | 401 | authentication_error  | Invalid API key
            403 | forbidden          | Not this model   | 403 | permission_error      | Not this model
            404 | not_found          | Not found        | 404 | not_found_error       | Not found
            405 | method_not_allowed | Use POST         | 405 | invalid_request_error | Use POST
            413 | payload_too_large  | Too large        | 413 | request_too_large     | Too large
            429 | rate_limited       | Slow down        | 429 | rate_limit_error      | Slow down
            429 | quota_exceeded     | Top up.          | 402 | billing_error         | Your credit balance is too low to access this model. Top up.
            429 | key_budget_exceeded | Key spent.      | 402 | billing_error         | Your credit balance is too low to access this model. Key spent.
            403 | model_not_allowed  | Not this model   | 403 | permission_error      | Not this model
            401 | key_expired        | Expired          | 401 | authentication_error  | Expired
            500 | internal_error     | Unexpected       | 500 | api_error             | Unexpected
            502 | upstream_error     | Provider failed  | 502 | api_error             | Provider failed
            503 | overloaded         | Busy             | 529 | overloaded_error      | Busy
            503 | quota_unavailable  | No database      | 529 | overloaded_error      | No database
            504 | upstream_timeout   | Timed out        | 504 | timeout_error         | Timed out
            """)
    void ourErrorsReadAsAnthropicsForTheSameSituation(int status, String code, String message, int anthropicStatus, String type,
            String anthropicMessage) throws IOException {
        MessagesErrors.Rendered r = MessagesErrors.of(status, code, message);
        assertThat(r.status()).isEqualTo(anthropicStatus);
        JsonNode expected = Json.readTree("{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":"
                + Json.MAPPER.writeValueAsString(anthropicMessage) + "}}");
        assertThat(Json.readTree(r.body().toString())).isEqualTo(expected);
    }
}
