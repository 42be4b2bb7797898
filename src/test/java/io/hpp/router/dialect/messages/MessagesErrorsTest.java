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
            400 | invalid_request       | messages: role 'tool' is not one of user, assistant | 400 | invalid_request_error | messages: role 'tool' is not one of user, assistant
            400 | model_not_found       | Model 'x/y' is not in the catalog                   | 404 | not_found_error       | Model 'x/y' is not in the catalog
            400 | unsupported_model     | Model 'x' does not chat                             | 400 | invalid_request_error | Model 'x' does not chat
            401 | unauthorized          | Invalid API key                                     | 401 | authentication_error  | Invalid API key
            403 | forbidden             | Key may not use this model                          | 403 | permission_error      | Key may not use this model
            404 | not_found             | Not found                                           | 404 | not_found_error       | Not found
            405 | method_not_allowed    | Use POST                                            | 405 | invalid_request_error | Use POST
            413 | payload_too_large     | Request body is larger than the configured limit    | 413 | request_too_large     | Request body is larger than the configured limit
            429 | rate_limited          | Rate limit exceeded                                 | 429 | rate_limit_error      | Rate limit exceeded
            429 | quota_exceeded        | Quota exceeded: top up the consumer's balance       | 402 | billing_error         | Your credit balance is too low to access this model. Quota exceeded: top up the consumer's balance
            500 | internal_error        | Unexpected gateway error                            | 500 | api_error             | Unexpected gateway error
            502 | upstream_error        | Provider failed                                     | 502 | api_error             | Provider failed
            503 | overloaded            | Too many requests in flight                         | 529 | overloaded_error      | Too many requests in flight
            503 | quota_unavailable     | Quota state cannot be verified                      | 529 | overloaded_error      | Quota state cannot be verified
            504 | upstream_timeout      | Provider timed out                                  | 504 | timeout_error         | Provider timed out
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
