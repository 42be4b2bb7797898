package io.hpp.router.dialect.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.common.Json;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponsesErrorsTest {
    @ParameterizedTest(name = "{0} {1} → {3} {4} {5}")
    @CsvSource(delimiter = '|', textBlock = """
            400 | invalid_request    | Bad field        | 400 | invalid_request_error | invalid_request
            400 | model_not_found    | No model 'x/y'   | 404 | invalid_request_error | model_not_found
            400 | unsupported_model  | Not a chat model | 400 | invalid_request_error | unsupported_model
            400 | upstream_rejected  | Bad tool schema  | 400 | invalid_request_error | upstream_rejected
            401 | unauthorized       | Invalid API key  | 401 | invalid_request_error | invalid_api_key
            404 | not_found          | Not found        | 404 | invalid_request_error | not_found
            413 | payload_too_large  | Too large        | 413 | invalid_request_error | payload_too_large
            429 | rate_limited       | Slow down        | 429 | requests              | rate_limit_exceeded
            429 | quota_exceeded     | Top up.          | 429 | insufficient_quota    | insufficient_quota
            429 | key_budget_exceeded | Key spent       | 429 | insufficient_quota    | key_budget_exceeded
            403 | model_not_allowed  | Not this model   | 403 | invalid_request_error | model_not_allowed
            401 | key_expired        | Expired          | 401 | invalid_request_error | key_expired
            500 | internal_error     | Unexpected       | 500 | server_error          | internal_error
            500 | server_error       | Provider failed  | 500 | server_error          | server_error
            500 | overloaded         | Provider busy    | 503 | server_error          | overloaded
            503 | overloaded         | Busy             | 503 | server_error          | overloaded
            503 | quota_unavailable  | No database      | 503 | server_error          | quota_unavailable
            """)
    void ourErrorsReadAsOpenAIsForTheSameSituation(int status, String code, String message, int openaiStatus, String type,
            String openaiCode) throws IOException {
        ResponsesErrors.Rendered r = ResponsesErrors.of(status, code, message);
        assertThat(r.status()).isEqualTo(openaiStatus);
        JsonNode expected = Json.readTree("{\"error\":{\"message\":" + Json.MAPPER.writeValueAsString(message)
                + ",\"type\":\"" + type + "\",\"param\":null,\"code\":\"" + openaiCode + "\"}}");
        assertThat(Json.readTree(r.body().toString())).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', textBlock = """
            quota_exceeded    | insufficient_quota
            rate_limited      | rate_limit_exceeded
            upstream_rejected | invalid_prompt
            invalid_request   | invalid_prompt
            overloaded        | server_error
            timeout           | server_error
            """)
    void aFailedStreamCarriesTheCodeCodexDecidesOn(String ours, String openai) {
        assertThat(ResponsesErrors.streamCode(ours)).isEqualTo(openai);
    }
}
