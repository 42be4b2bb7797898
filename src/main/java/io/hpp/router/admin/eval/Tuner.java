package io.hpp.router.admin.eval;

import io.hpp.router.common.ApiException;
import io.hpp.router.routing.RuleSet;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Searches a ruleset's token boundaries for the cheapest ruleset that keeps at least {@code keep} of the top tier's
 * quality. The data is split by row id ({@link #heldOut}: 30% held out); the search sees only the training part:
 * coordinate descent over each boundary's candidate values (the 0th, 5th, …, 100th percentiles of the training rows'
 * input tokens, with the complex margin applied for tiers), until a pass changes nothing, then every value the training
 * rows make between the chosen value's grid neighbours (at most {@value #MAX_FINE}). The training-feasible
 * rulesets are then tried cheapest first on the held-out part, and the first that keeps the floor there wins.
 */
public final class Tuner {
    static final int MAX_PASSES = 6;
    static final int MAX_HELD_OUT_CHECKS = 100;
    /** At most this many values between two grid values (evenly spaced among the training rows' when there are more). */
    static final int MAX_FINE = 40;

    private Tuner() {
    }

    /** What the search found; {@code tuned} is {@code before} when nothing cheaper keeps the floor on both parts. */
    public record Result(RuleSet before, RuleSet tuned, Map<String, String> changes, EvalReport beforeTrain, EvalReport tunedTrain,
                         EvalReport beforeTest, EvalReport tunedTest, boolean floorMetHeldOut, int evaluated, int rejectedOnHeldOut,
                         int trainRows, int testRows, Duration elapsed) {
    }

    private record Candidate(RuleSet rs, long costNanos, double kept) {
    }

    /** Whether a row is in the held-out part: the first byte of the SHA-256 of its id, mod 10, is below 3. */
    public static boolean heldOut(String id) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return (d[0] & 0xff) % 10 < 3;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public static Result tune(RulesetEvaluator ev, RuleSet rs, List<RulesetEvaluator.Case> cases, LabelMapping mapping, double keep) {
        if (!(keep > 0 && keep <= 1.5)) {
            throw ApiException.invalidRequest("--keep must be a share above 0, e.g. 0.95, got " + keep);
        }
        long start = System.nanoTime();
        List<RulesetEvaluator.Case> train = cases.stream().filter(c -> !heldOut(c.row().id())).toList();
        List<RulesetEvaluator.Case> test = cases.stream().filter(c -> heldOut(c.row().id())).toList();
        if (train.isEmpty() || test.isEmpty()) {
            throw ApiException.invalidRequest("The dataset is too small to split into training and held-out rows");
        }
        List<Knob> knobs = Knob.tunable(rs);
        if (knobs.isEmpty()) {
            throw ApiException.invalidRequest("The ruleset has no token boundary to tune (simple.max_input_tokens or a bounded tier)");
        }
        Map<String, Candidate> seen = new LinkedHashMap<>();
        Candidate current = score(ev, rs, train, mapping, seen);
        Candidate best = current.kept >= keep ? current : score(ev, lowest(rs, knobs), train, mapping, seen);
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            Candidate before = best;
            for (Knob k : knobs) {
                best = bestOf(ev, k, candidates(k, rs, train), best, train, mapping, keep, seen);
            }
            if (best == before) {
                break;
            }
        }
        // the grid is every 5th percentile: try every value the training rows make between the chosen value's neighbours
        for (Knob k : knobs) {
            best = bestOf(ev, k, between(k, best.rs, rs, train), best, train, mapping, keep, seen);
        }
        List<Candidate> feasible = seen.values().stream().filter(c -> c.kept >= keep)
                .sorted(Comparator.comparingLong(Candidate::costNanos)).toList();
        RuleSet tuned = rs;
        int rejected = 0;
        boolean met = false;
        for (Candidate c : feasible.subList(0, Math.min(MAX_HELD_OUT_CHECKS, feasible.size()))) {
            if (ev.evaluate(c.rs, test, mapping).all().kept() >= keep) {
                tuned = c.rs;
                met = true;
                break;
            }
            rejected++;
        }
        Map<String, String> changes = new LinkedHashMap<>();
        for (Knob k : knobs) {
            String was = k.value(rs).map(BigDecimal::toPlainString).orElse("-");
            String now = k.value(tuned).map(BigDecimal::toPlainString).orElse("-");
            if (!was.equals(now)) {
                changes.put(k.path(), was + " -> " + now);
            }
        }
        return new Result(rs, tuned, changes, ev.evaluate(rs, train, mapping), ev.evaluate(tuned, train, mapping),
                ev.evaluate(rs, test, mapping), ev.evaluate(tuned, test, mapping), met, seen.size(), rejected, train.size(), test.size(),
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** The best of {@code best} and {@code best} with {@code k} at each of {@code values}. */
    private static Candidate bestOf(RulesetEvaluator ev, Knob k, List<BigDecimal> values, Candidate best, List<RulesetEvaluator.Case> train,
                                    LabelMapping mapping, double keep, Map<String, Candidate> seen) {
        Candidate out = best;
        for (BigDecimal v : values) {
            RuleSet changed;
            try {
                changed = k.apply(best.rs, v);
            } catch (ApiException e) {
                continue;   // a tier limit not above the previous tier's
            }
            Candidate c = score(ev, changed, train, mapping, seen);
            if (c.kept >= keep && (out.kept < keep || c.costNanos < out.costNanos)) {
                out = c;
            }
        }
        return out;
    }

    /** The values the training rows make strictly between the grid values either side of {@code k}'s value in {@code at}. */
    static List<BigDecimal> between(Knob k, RuleSet at, RuleSet original, List<RulesetEvaluator.Case> train) {
        List<BigDecimal> grid = candidates(k, original, train);
        BigDecimal now = k.value(at).orElse(BigDecimal.ZERO);
        BigDecimal low = grid.stream().filter(v -> v.compareTo(now) < 0).reduce((a, b) -> b).orElse(BigDecimal.valueOf(-1));
        BigDecimal high = grid.stream().filter(v -> v.compareTo(now) > 0).findFirst().orElse(now);
        TreeSet<BigDecimal> fine = new TreeSet<>();
        for (RulesetEvaluator.Case c : train) {
            BigDecimal v = BigDecimal.valueOf(c.inputTokens()).multiply(factor(k, original)).setScale(0, RoundingMode.CEILING);
            if (v.compareTo(low) > 0 && v.compareTo(high) < 0) {
                fine.add(v);
            }
        }
        List<BigDecimal> all = new ArrayList<>(fine);
        if (all.size() <= MAX_FINE) {
            return all;
        }
        List<BigDecimal> spaced = new ArrayList<>();
        for (int i = 0; i < MAX_FINE; i++) {
            spaced.add(all.get(i * all.size() / MAX_FINE));
        }
        return spaced;
    }

    private static BigDecimal factor(Knob k, RuleSet rs) {
        return k.path().startsWith("simple.") ? BigDecimal.ONE
                : BigDecimal.ONE.add(rs.complex().map(RuleSet.ComplexRule::margin).orElse(BigDecimal.ZERO));
    }

    private static Candidate score(RulesetEvaluator ev, RuleSet rs, List<RulesetEvaluator.Case> train, LabelMapping mapping,
                                   Map<String, Candidate> seen) {
        return seen.computeIfAbsent(rs.json().toString(), k -> {
            EvalReport.Summary s = ev.evaluate(rs, train, mapping).all();
            return new Candidate(rs, s.routedCost().nanos(), s.kept());
        });
    }

    /** Every boundary at its lowest (0, 1, 2, … for the tiers in order): the start when the ruleset misses the floor. */
    private static RuleSet lowest(RuleSet rs, List<Knob> knobs) {
        RuleSet out = rs;
        long tier = 0;
        for (Knob k : knobs) {
            out = k.apply(out, BigDecimal.valueOf(k.path().startsWith("simple.") ? 0 : tier++));
        }
        return out;
    }

    /** The values worth trying: where the decisions on the training rows can change, plus the current value. */
    static List<BigDecimal> candidates(Knob k, RuleSet rs, List<RulesetEvaluator.Case> train) {
        long[] tokens = train.stream().mapToLong(RulesetEvaluator.Case::inputTokens).sorted().toArray();
        BigDecimal factor = factor(k, rs);
        TreeSet<BigDecimal> values = new TreeSet<>();
        values.add(BigDecimal.ZERO);
        k.value(rs).ifPresent(values::add);
        for (int pct = 0; pct <= 100; pct += 5) {
            long t = tokens[Math.min(tokens.length - 1, (int) ((long) pct * tokens.length / 100))];
            values.add(BigDecimal.valueOf(t).multiply(factor).setScale(0, RoundingMode.CEILING));
        }
        values.add(BigDecimal.valueOf(tokens[tokens.length - 1]).multiply(factor).setScale(0, RoundingMode.CEILING).add(BigDecimal.ONE));
        return new ArrayList<>(values);
    }
}
