package io.hpp.router.admin.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hpp.router.common.ApiException;
import io.hpp.router.routing.RuleSet;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class SweepTest {
    @AutoClose
    private static final EvalFixture fx = new EvalFixture();

    /** Prompts of 10, 20, …, 100 words (18 … 108 tokens: 3 + 4 + 1 for "user" + one a word); the weak answer always scores 0.5, the strong 1. */
    private static List<RulesetEvaluator.Case> ladder() {
        List<String> rows = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            rows.add(EvalFixture.row("w" + i, "s", EvalFixture.words(10 * i), 0.5, 10, 1.0, 10));
        }
        return fx.evaluator.prepare(EvalRow.parseLines(String.join("\n", rows).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void raisingTheSimpleLimitMovesOneRowAtATimeToTheWeakModel() {
        RuleSet rs = EvalFixture.rules(0, 1_000);
        List<RulesetEvaluator.Case> cases = ladder();
        // from 8 (below every row) to 118 (above every row) in steps of 10: the n-th value lets n rows into simple
        Sweep.Curve c = Sweep.parse("simple.max_input_tokens=8:118:10").run(fx.evaluator, rs, cases, LabelMapping.parse("simple=weak,*=strong"));
        assertThat(c.points()).hasSize(12).extracting(p -> p.value().intValueExact())
                .containsExactly(8, 18, 28, 38, 48, 58, 68, 78, 88, 98, 108, 118);
        for (int n = 0; n < 12; n++) {
            EvalReport.Summary s = c.points().get(n).all();
            long weak = Math.min(n, 10);
            assertThat(s.places().getOrDefault("simple", 0L)).as("rows in simple at point %d", n).isEqualTo(weak);
            assertThat(s.routedMean()).isCloseTo((weak * 0.5 + (10 - weak)) / 10, within(1e-12));
        }
        // monotone: every step cheaper (gpt-4o-mini against gpt-5-mini) and keeps less, until every row is simple
        for (int n = 1; n <= 10; n++) {
            assertThat(c.points().get(n).all().routedCost()).isLessThan(c.points().get(n - 1).all().routedCost());
            assertThat(c.points().get(n).all().kept()).isLessThan(c.points().get(n - 1).all().kept());
        }
        assertThat(c.points().get(0).all().kept()).isEqualTo(1.0);
        assertThat(c.points().get(11).all().routedCost()).isEqualTo(c.current().cheapestCost());
        assertThat(c.current().places()).containsEntry("T1", 10L);
        assertThat(c.skipped()).isEmpty();

        String csv = CurveCharts.csv(c);
        assertThat(csv.lines()).hasSize(1 + 12 + 3);
        assertThat(csv.lines().toList().get(12)).startsWith("sweep,118,10," + c.current().cheapestCost().dollars().toPlainString() + ",0.5000,0.5000");
        String svg = CurveCharts.svg(c);
        assertThat(svg).startsWith("<svg").contains("current ruleset", "always strong (top tier)", "always weak (cheapest)")
                .contains("simple.max_input_tokens = 58");
        assertThat(svg.split("<circle", -1)).hasSize(13);
    }

    @Test
    void aTierLimitTheRulesetCannotTakeIsSkippedAndNamed() {
        // the default ruleset: T1 up to 4000, so T2 must be above 4000
        RuleSet defaults = RuleSet.parse(1, RuleSet.defaults());
        Sweep.Curve c = Sweep.parse("T2.max_input_tokens=3000:5000:1000").run(fx.evaluator, defaults, ladder(), LabelMapping.DEFAULT);
        assertThat(c.points()).extracting(Sweep.Point::value).containsExactly(BigDecimal.valueOf(5000));
        assertThat(c.skipped()).hasSize(2).first().asString()
                .isEqualTo("3000: Invalid ruleset: complex.tiers[1].max_input_tokens must be larger than the previous tier's (4000)");
        assertThatThrownBy(() -> Sweep.parse("T1.max_input_tokens=0:10")).isInstanceOf(ApiException.class)
                .hasMessageContaining("boundary=from:to:step");
        assertThatThrownBy(() -> Sweep.parse("temperature=0:1:1")).isInstanceOf(ApiException.class).hasMessageContaining("Unknown boundary");
        assertThatThrownBy(() -> Sweep.parse("T1.max_input_tokens=0:1000000:1")).isInstanceOf(ApiException.class)
                .hasMessageContaining("more than 500 points");
    }
}
