package io.hpp.router.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpp.router.common.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleSetTest {
    @Test
    void theDefaultRulesetParses() {
        RuleSet rs = RuleSet.parse(1, RuleSet.defaults());
        assertThat(rs.complex().orElseThrow().tiers()).extracting(RuleSet.Tier::tier).containsExactly("T1", "T2", "T3");
        assertThat(rs.allows("openai")).isTrue();
        assertThat(rs.allows("elsewhere")).isFalse();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "[] | must be a JSON object",
        "{} | routes nothing",
        "{\"tool\":{\"model\":\"openai/gpt-4o\"}} | tool.rule_id",
        "{\"tool\":\"x\"} | tool must be an object",
        "{\"simple\":{\"rule_id\":\"s\",\"model\":\"m\"}} | keywords or max_input_tokens",
        "{\"simple\":{\"rule_id\":\"s\",\"model\":\"m\",\"keywords\":[\"\"]}} | non-empty strings",
        "{\"complex\":{\"tiers\":[]}} | complex.tiers",
        "{\"complex\":{\"margin\":-1,\"tiers\":[{\"tier\":\"T1\",\"rule_id\":\"a\",\"model\":\"m\"}]}} | complex.margin",
        "{\"complex\":{\"tiers\":[{\"tier\":\"T1\",\"rule_id\":\"a\",\"model\":\"m\"},{\"tier\":\"T2\",\"rule_id\":\"b\",\"model\":\"m\"}]}} | every tier but the last",
        "{\"complex\":{\"tiers\":[{\"tier\":\"T1\",\"rule_id\":\"a\",\"max_input_tokens\":10,\"model\":\"m\"},{\"tier\":\"T2\",\"rule_id\":\"b\",\"max_input_tokens\":5,\"model\":\"m\"}]}} | larger than the previous",
        "{\"streaming\":{\"mode\":\"sometimes\"}} | streaming.mode",
        "{\"tool\":{\"rule_id\":\"t\",\"model\":\"m\"},\"allowed_providers\":[]} | allowed_providers"})
    void invalidRulesetsAreRejectedNamingTheProblem(String json, String problem) {
        assertThatThrownBy(() -> RuleSet.parse(1, json)).isInstanceOf(ApiException.class).hasMessageContaining(problem);
    }
}
