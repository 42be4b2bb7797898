package io.hpp.router.admin.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hpp.router.common.ApiException;
import io.hpp.router.value.Money;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class RulesetEvaluatorTest {
    @AutoClose
    private static final EvalFixture fx = new EvalFixture();

    /** Three rows, one per place: simple (gpt-4o-mini), T1 (gpt-5-mini), T2 (gpt-5). */
    private static List<RulesetEvaluator.Case> tiny() {
        String jsonl = String.join("\n",
                EvalFixture.row("r1", "a", "hello", 1.0, 10, 1.0, 20),
                EvalFixture.row("r2", "a", EvalFixture.words(30), 0.0, 100, 1.0, 200),
                "",
                EvalFixture.row("r3", "b", EvalFixture.words(90), 0.5, 1000, 0.9, 500));
        return fx.evaluator.prepare(EvalRow.parseLines(jsonl.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void inputTokensAreTheRoutersCountOfTheWholeRequest() {
        // 3 per request + 4 per message + "user" (1) + the text: "hello" 1; "word word …" one token a word
        assertThat(tiny()).extracting(RulesetEvaluator.Case::inputTokens).containsExactly(9L, 38L, 98L);
    }

    @Test
    void costsQualitiesAndPlacesAreExactToTheNanoDollar() {
        EvalReport r = fx.evaluator.evaluate(EvalFixture.rules(20, 50), tiny(), LabelMapping.parse("simple=weak,T1=weak,T2=strong"));
        assertThat(r.places()).containsEntry("simple", "openai/gpt-4o-mini").containsEntry("T1", "openai/gpt-5-mini")
                .containsEntry("T2", "openai/gpt-5");
        assertThat(r.topModel()).isEqualTo("openai/gpt-5");
        assertThat(r.cheapestModel()).isEqualTo("openai/gpt-4o-mini");
        // routed: r1 gpt-4o-mini weak 9×0.15 + 10×0.6 = 7.35 µ$ = 7,350 n$; r2 gpt-5-mini weak 38×0.25 + 100×2 = 209.5 µ$;
        //         r3 gpt-5 strong 98×1.25 + 500×10 = 5,122.5 µ$
        // top (gpt-5, strong): r1 9×1.25+20×10 = 211.25; r2 38×1.25+200×10 = 2,047.5; r3 5,122.5 µ$
        // cheapest (gpt-4o-mini, weak): r1 7.35; r2 38×0.15+100×0.6 = 65.7; r3 98×0.15+1000×0.6 = 614.7 µ$
        EvalReport.Summary all = r.all();
        assertThat(all.source()).isEqualTo("all");
        assertThat(all.requests()).isEqualTo(3);
        assertThat(all.places()).containsEntry("simple", 1L).containsEntry("T1", 1L).containsEntry("T2", 1L);
        assertThat(all.routedCost()).isEqualTo(new Money(7_350 + 209_500 + 5_122_500));
        assertThat(all.topCost()).isEqualTo(new Money(211_250 + 2_047_500 + 5_122_500));
        assertThat(all.cheapestCost()).isEqualTo(new Money(7_350 + 65_700 + 614_700));
        // quality: routed 1.0 + 0.0 + 0.9; top 1.0 + 1.0 + 0.9; cheapest 1.0 + 0.0 + 0.5
        assertThat(all.routedMean()).isCloseTo(1.9 / 3, within(1e-12));
        assertThat(all.topMean()).isCloseTo(2.9 / 3, within(1e-12));
        assertThat(all.cheapestMean()).isCloseTo(1.5 / 3, within(1e-12));
        assertThat(all.kept()).isCloseTo(1.9 / 2.9, within(1e-12));
        // $ per point: 0.00533935 / 1.9 = 0.0028101842…, rounded to 9 places
        assertThat(r.toJson().at("/sources/2/usd_per_quality_point/routed").decimalValue()).isEqualByComparingTo("0.002810184");
        EvalReport.Summary a = r.sources().get(0);
        assertThat(a.source()).isEqualTo("a");
        assertThat(a.routedCost()).isEqualTo(new Money(7_350 + 209_500));
        assertThat(a.places()).doesNotContainKey("T2");
        assertThat(r.sources().get(1).routedMean()).isCloseTo(0.9, within(1e-12));
    }

    @Test
    void theMappingDecidesWhichAnswerEachPlaceStandsFor() {
        EvalReport strongT1 = fx.evaluator.evaluate(EvalFixture.rules(20, 50), tiny(), LabelMapping.parse("simple=weak,*=strong"));
        // r2 now costs gpt-5-mini with the strong answer: 38×0.25 + 200×2 = 409.5 µ$, and scores 1.0
        assertThat(strongT1.all().routedCost()).isEqualTo(new Money(7_350 + 409_500 + 5_122_500));
        assertThat(strongT1.all().routedMean()).isCloseTo(2.9 / 3, within(1e-12));
        assertThat(strongT1.all().kept()).isEqualTo(1.0);
        assertThat(LabelMapping.DEFAULT.toString()).isEqualTo("T1=weak,T2=strong,T3=strong,simple=weak,streaming=weak,tool=strong,*=strong");
        assertThat(LabelMapping.parse("t9=weak,*=weak").toString()).isEqualTo("t9=weak,*=weak");
        assertThatThrownBy(() -> LabelMapping.parse("T1=medium")).isInstanceOf(ApiException.class).hasMessageContaining("weak or strong");
    }

    @Test
    void aRowWithoutScoresIsRefusedNamingItsLine() {
        byte[] bad = (EvalFixture.row("ok", "a", "hi", 1, 1, 1, 1) + "\n{\"id\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],"
                + "\"results\":{\"weak\":{\"quality\":2,\"output_tokens\":1}}}").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> EvalRow.parseLines(bad)).isInstanceOf(ApiException.class)
                .hasMessage("Dataset line 2 needs results.weak.quality, a number from 0 to 1");
    }

    @Test
    void theCsvAndTableCarryTheSameNumbers() {
        EvalReport r = fx.evaluator.evaluate(EvalFixture.rules(20, 50), tiny(), LabelMapping.parse("simple=weak,T1=weak,T2=strong"));
        assertThat(r.toCsv().lines()).hasSize(4)
                .last().asString().startsWith("all,3,1,1,1,0.00533935,0.00738125,0.00068775,0.6333,0.9667,0.5000,0.6552,");
        assertThat(r.toTable()).contains("all             3      1      1      1 |    0.005339    0.007381    0.000688");
    }
}
