package io.hpp.router.admin.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.routing.RuleSet;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class TunerTest {
    @AutoClose
    private static final EvalFixture fx = new EvalFixture();

    /** simple on gpt-4o-mini (weak) up to {@code simpleMax}; everything else on one unbounded tier, gpt-5 (strong). */
    private static RuleSet twoRungs(long simpleMax) {
        return RuleSet.parse(3, """
                {"simple": {"rule_id": "s", "model": "openai/gpt-4o-mini", "max_input_tokens": %d},
                 "complex": {"margin": 0, "tiers": [{"tier": "T1", "rule_id": "t1", "model": "openai/gpt-5"}]}}
                """.formatted(simpleMax));
    }

    private static List<RulesetEvaluator.Case> cases(List<String> rows) {
        return fx.evaluator.prepare(EvalRow.parseLines(String.join("\n", rows).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void findsTheKnownOptimumWhereShortPromptsNeedNoStrongModel() {
        // prompts of 1..60 words (9..68 tokens): up to 30 words the weak answer is as good as the strong; beyond, worthless.
        // The cheapest ruleset keeping all the quality sends exactly the prompts of <= 30 words (38 tokens) to simple.
        List<String> rows = new ArrayList<>();
        for (int w = 1; w <= 60; w++) {
            rows.add(EvalFixture.row("syn-" + w, "syn", EvalFixture.words(w), w <= 30 ? 1.0 : 0.0, 50, 1.0, 50));
        }
        List<RulesetEvaluator.Case> cases = cases(rows);
        Tuner.Result r = Tuner.tune(fx.evaluator, twoRungs(0), cases, LabelMapping.parse("simple=weak,*=strong"), 1.0);
        long tuned = r.tuned().simple().orElseThrow().maxInputTokens().orElseThrow();
        // every training row of <= 30 words has <= 37 tokens; the limit may sit anywhere from the longest such training row
        // up to just below the shortest long one (39 tokens) without changing a decision
        long longestShortTrain = cases.stream().filter(c -> !Tuner.heldOut(c.row().id()) && c.row().weak().quality() == 1.0)
                .mapToLong(RulesetEvaluator.Case::inputTokens).max().orElseThrow();
        assertThat(tuned).isBetween(longestShortTrain, 38L);
        assertThat(r.changes()).containsEntry("simple.max_input_tokens", "0 -> " + tuned);
        assertThat(r.floorMetHeldOut()).isTrue();
        assertThat(r.tunedTest().all().kept()).isEqualTo(1.0);
        assertThat(r.tunedTrain().all().kept()).isEqualTo(1.0);
        assertThat(r.tunedTrain().all().routedCost()).isLessThan(r.beforeTrain().all().routedCost());
        assertThat(r.trainRows() + r.testRows()).isEqualTo(60);
        assertThat(r.testRows()).isBetween(8, 30);
        // the input was not changed: the file the CLI writes is the tuned copy
        assertThat(twoRungs(0).json().toString()).doesNotContain("\"max_input_tokens\":" + tuned);
    }

    @Test
    void aRulesetThatKeepsTheFloorOnlyInTrainingIsRejectedOnTheHeldOutRows() {
        // prompts of 1..60 words: up to 20 words the weak answer is good everywhere; from 21 to 40 words it is good on the
        // training rows only (bad on every held-out row); beyond 40, bad everywhere. Training alone would pick the
        // 40-word limit; the held-out rows must pull it back to 20 words (28 tokens) or less.
        List<String> rows = new ArrayList<>();
        for (int w = 1; w <= 60; w++) {
            String id = "split-" + w;
            boolean good = w <= 20 || (w <= 40 && !Tuner.heldOut(id));
            rows.add(EvalFixture.row(id, "syn", EvalFixture.words(w), good ? 1.0 : 0.0, 50, 1.0, 50));
        }
        List<RulesetEvaluator.Case> cases = cases(rows);
        assertThat(cases.stream().filter(c -> Tuner.heldOut(c.row().id()) && c.inputTokens() > 28 && c.inputTokens() <= 48))
                .as("the data must have held-out rows in the 21-40 word band").isNotEmpty();
        double keep = 0.97;
        Tuner.Result r = Tuner.tune(fx.evaluator, twoRungs(0), cases, LabelMapping.parse("simple=weak,*=strong"), keep);
        assertThat(r.floorMetHeldOut()).isTrue();
        assertThat(r.tunedTest().all().kept()).isGreaterThanOrEqualTo(keep);
        assertThat(r.rejectedOnHeldOut()).isPositive();
        // one bad held-out row costs more than 3% of ~18 held-out rows' quality: the limit stays below every one of them
        long firstBadHeldOut = cases.stream().filter(c -> Tuner.heldOut(c.row().id()) && c.row().weak().quality() == 0.0)
                .mapToLong(RulesetEvaluator.Case::inputTokens).min().orElseThrow();
        assertThat(r.tuned().simple().orElseThrow().maxInputTokens().orElseThrow()).isLessThan(firstBadHeldOut).isGreaterThanOrEqualTo(8L);
        assertThat(r.tunedTrain().all().kept()).isGreaterThanOrEqualTo(keep);
    }

    @Test
    void theSplitIsDeterministicAndHoldsOutAboutThirtyPercent() {
        long held = 0;
        for (int i = 0; i < 10_000; i++) {
            held += Tuner.heldOut("row-" + i) ? 1 : 0;
        }
        assertThat(held).isBetween(2_800L, 3_300L);
        assertThat(Tuner.heldOut("gsm8k-0")).isEqualTo(Tuner.heldOut("gsm8k-0"));
        assertThat(Tuner.candidates(new Knob("simple.max_input_tokens"), twoRungs(5), cases(List.of(
                EvalFixture.row("a", "s", "hi", 1, 1, 1, 1))))).contains(BigDecimal.ZERO, BigDecimal.valueOf(5));
    }
}
