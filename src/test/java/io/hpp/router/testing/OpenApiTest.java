package io.hpp.router.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.common.Json;
import org.junit.jupiter.api.Test;

class OpenApiTest {
    @Test
    void theContractValidatorRejectsBodiesThatBreakTheSchema() throws Exception {
        assertThat(OpenApi.errors("QuotaCheckResponse", Json.MAPPER.readTree("{\"has_quota\":true,\"quota\":1,\"used\":0,\"remaining\":1}")))
                .isEmpty();
        assertThat(OpenApi.errors("QuotaCheckResponse", Json.MAPPER.readTree("{\"has_quota\":\"yes\",\"quota\":1}"))).isNotEmpty();
        assertThat(OpenApi.errors("ModelListResponse", Json.MAPPER.readTree("{\"object\":\"dict\",\"data\":[]}"))).isNotEmpty();
    }
}
