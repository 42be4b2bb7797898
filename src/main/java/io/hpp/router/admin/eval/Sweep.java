package io.hpp.router.admin.eval;

import io.hpp.router.common.ApiException;
import io.hpp.router.routing.RuleSet;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A cost/quality curve: one boundary varied over a range ({@code T1.max_input_tokens=0:4000:250}), each value
 * evaluated on the whole dataset. Values the ruleset cannot take (a tier limit not above the previous tier's) are
 * skipped and named.
 */
public record Sweep(Knob knob, List<BigDecimal> values) {
    static final int MAX_POINTS = 500;

    /** One point of the curve. */
    public record Point(BigDecimal value, EvalReport.Summary all) {
    }

    /** The curve, the ruleset's own point, and the values skipped. */
    public record Curve(Knob knob, List<Point> points, EvalReport.Summary current, List<String> skipped, Duration elapsed) {
    }

    /** Parses {@code boundary=from:to:step}. */
    public static Sweep parse(String spec) {
        int eq = spec.indexOf('=');
        String[] range = eq < 0 ? new String[0] : spec.substring(eq + 1).split(":");
        if (range.length != 3) {
            throw ApiException.invalidRequest("Invalid sweep '" + spec + "': expected boundary=from:to:step, e.g. T1.max_input_tokens=0:4000:250");
        }
        BigDecimal from;
        BigDecimal to;
        BigDecimal step;
        try {
            from = new BigDecimal(range[0].trim());
            to = new BigDecimal(range[1].trim());
            step = new BigDecimal(range[2].trim());
        } catch (NumberFormatException e) {
            throw ApiException.invalidRequest("Invalid sweep '" + spec + "': from, to and step must be numbers");
        }
        if (step.signum() <= 0 || to.compareTo(from) < 0) {
            throw ApiException.invalidRequest("Invalid sweep '" + spec + "': step must be > 0 and to >= from");
        }
        List<BigDecimal> values = new ArrayList<>();
        for (BigDecimal v = from; v.compareTo(to) <= 0; v = v.add(step)) {
            if (values.size() == MAX_POINTS) {
                throw ApiException.invalidRequest("Invalid sweep '" + spec + "': more than " + MAX_POINTS + " points");
            }
            values.add(v);
        }
        return new Sweep(new Knob(spec.substring(0, eq).trim()), List.copyOf(values));
    }

    public Curve run(RulesetEvaluator evaluator, RuleSet rs, List<RulesetEvaluator.Case> cases, LabelMapping mapping) {
        long start = System.nanoTime();
        List<Point> points = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (BigDecimal v : values) {
            RuleSet changed;
            try {
                changed = knob.apply(rs, v);
            } catch (ApiException | ArithmeticException e) {
                skipped.add(v.toPlainString() + ": " + e.getMessage());
                continue;
            }
            points.add(new Point(v, evaluator.evaluate(changed, cases, mapping).all()));
        }
        EvalReport.Summary current = evaluator.evaluate(rs, cases, mapping).all();
        return new Curve(knob, List.copyOf(points), current, List.copyOf(skipped), Duration.ofNanos(System.nanoTime() - start));
    }
}
