package io.hpp.router.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.admin.eval.CurveCharts;
import io.hpp.router.admin.eval.EvalReport;
import io.hpp.router.admin.eval.EvalRow;
import io.hpp.router.admin.eval.LabelMapping;
import io.hpp.router.admin.eval.RulesetEvaluator;
import io.hpp.router.admin.eval.Sweep;
import io.hpp.router.admin.eval.Tuner;
import io.hpp.router.catalog.ModelCatalog;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.routing.ActiveRules;
import io.hpp.router.routing.PromptTokens;
import io.hpp.router.routing.RuleSet;
import io.hpp.router.store.RulesetRecord;
import io.hpp.router.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code rules eval} and {@code rules tune}: a ruleset replayed offline on scored prompts, and tuned to a quality floor. */
final class RulesEvalCli {
    private RulesEvalCli() {
    }

    /** The dataset, ruleset and mapping both commands take. */
    static final class Inputs {
        @Option(names = "--dataset", required = true, description = "JSON Lines of scored prompts (datasets/routellm-eval/routellm-eval.jsonl)")
        Path dataset;
        @Option(names = "--ruleset-version", description = "A stored version (default: the active one)")
        Long version;
        @Option(names = "--ruleset-file", description = "A ruleset JSON file (default: the active one)")
        Path file;
        @Option(names = "--mapping", description = "Which answer each place stands for (default: ${DEFAULT-VALUE})",
                defaultValue = "simple=weak,streaming=weak,T1=weak,T2=strong,T3=strong,tool=strong,*=strong")
        String mapping;

        RuleSet ruleset(Store store) {
            if (version != null && file != null) {
                throw ApiException.invalidRequest("Give --ruleset-version or --ruleset-file, not both");
            }
            if (file != null) {
                try {
                    return RuleSet.parse(0, Json.readTree(read(file)));
                } catch (IOException e) {
                    throw ApiException.invalidRequest("Cannot read " + file + " as JSON: " + e.getMessage());
                }
            }
            if (version != null) {
                RulesetRecord r = store.rulesets().stream().filter(x -> x.version() == version).findFirst()
                        .orElseThrow(() -> ApiException.notFound("No routing ruleset version " + version));
                return RuleSet.parse(r.version(), r.body());
            }
            return new ActiveRules(store).active().orElseThrow(() -> ApiException.invalidRequest("No routing ruleset is active"));
        }

        List<EvalRow> rows() {
            return EvalRow.parseLines(read(dataset));
        }
    }

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw ApiException.invalidRequest("Cannot read " + p + ": " + e.getMessage());
        }
    }

    static void write(Path p, String text) {
        try {
            Files.writeString(p, text);
        } catch (IOException e) {
            throw ApiException.invalidRequest("Cannot write " + p + ": " + e.getMessage());
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "eval",
            description = "Replay scored prompts through a ruleset (no provider is called): cost and quality per source and basket/tier.")
    static final class Eval implements Runnable {
        @ParentCommand
        RulesCli parent;
        @picocli.CommandLine.Mixin
        Inputs in;
        @Option(names = "--json", description = "Print JSON")
        boolean json;
        @Option(names = "--csv", description = "Print CSV")
        boolean csv;
        @Option(names = "--sweep", description = "Vary one boundary: boundary=from:to:step, e.g. T1.max_input_tokens=0:4000:250")
        String sweep;
        @Option(names = "--sweep-out", description = "File prefix of the sweep's .csv and .svg (default: sweep)", defaultValue = "sweep")
        String sweepOut;

        @Override
        public void run() {
            Cli.withStore(parent.main, store -> {
                LabelMapping mapping = LabelMapping.parse(in.mapping);
                RuleSet rs = in.ruleset(store);
                RulesetEvaluator ev = new RulesetEvaluator(new ModelCatalog(store), new PromptTokens());
                long start = System.nanoTime();
                List<RulesetEvaluator.Case> cases = ev.prepare(in.rows());
                EvalReport report = ev.evaluate(rs, cases, mapping);
                long totalMs = (System.nanoTime() - start) / 1_000_000;
                if (sweep != null) {
                    Sweep.Curve curve = Sweep.parse(sweep).run(ev, rs, cases, mapping);
                    write(Path.of(sweepOut + ".csv"), CurveCharts.csv(curve));
                    write(Path.of(sweepOut + ".svg"), CurveCharts.svg(curve));
                    System.err.println("sweep of " + curve.knob().path() + ": " + curve.points().size() + " points in "
                            + curve.elapsed().toMillis() + " ms → " + sweepOut + ".csv, " + sweepOut + ".svg"
                            + (curve.skipped().isEmpty() ? "" : "; skipped " + curve.skipped()));
                }
                if (json) {
                    return report.toJson().put("total_ms", totalMs);
                }
                if (csv) {
                    return report.toCsv();
                }
                return report.toTable() + "(read, parsed, counted and evaluated in " + totalMs + " ms)";
            });
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "tune",
            description = "Search the ruleset's token boundaries for the cheapest ruleset keeping a share of top-tier quality on held-out "
                    + "rows (30%, by SHA-256 of the row id); writes it to a file for 'rules publish', never publishing it.")
    static final class Tune implements Runnable {
        @ParentCommand
        RulesCli parent;
        @picocli.CommandLine.Mixin
        Inputs in;
        @Option(names = "--keep", required = true, description = "Share of the top tier's quality to keep, e.g. 0.95")
        double keep;
        @Option(names = "--out", description = "Where to write the tuned ruleset (default: ${DEFAULT-VALUE})", defaultValue = "tuned-ruleset.json")
        Path out;
        @Option(names = "--json", description = "Print JSON")
        boolean json;

        @Override
        public void run() {
            Cli.withStore(parent.main, store -> {
                LabelMapping mapping = LabelMapping.parse(in.mapping);
                RuleSet rs = in.ruleset(store);
                RulesetEvaluator ev = new RulesetEvaluator(new ModelCatalog(store), new PromptTokens());
                Tuner.Result r = Tuner.tune(ev, rs, ev.prepare(in.rows()), mapping, keep);
                write(out, r.tuned().json().toPrettyString() + "\n");
                return json ? resultJson(r) : resultText(r, out);
            });
        }
    }

    static ObjectNode resultJson(Tuner.Result r) {
        ObjectNode n = Json.object();
        n.put("floor_met_on_held_out", r.floorMetHeldOut());
        n.put("train_rows", r.trainRows()).put("held_out_rows", r.testRows());
        ObjectNode ch = n.putObject("changes");
        r.changes().forEach(ch::put);
        n.put("rulesets_evaluated", r.evaluated()).put("rejected_on_held_out", r.rejectedOnHeldOut()).put("elapsed_ms", r.elapsed().toMillis());
        n.set("before_held_out", r.beforeTest().toJson());
        n.set("tuned_held_out", r.tunedTest().toJson());
        n.set("before_train", r.beforeTrain().toJson());
        n.set("tuned_train", r.tunedTrain().toJson());
        n.set("tuned_ruleset", r.tuned().json());
        return n;
    }

    static String resultText(Tuner.Result r, Path out) {
        StringBuilder sb = new StringBuilder();
        sb.append("split: ").append(r.trainRows()).append(" training rows, ").append(r.testRows())
                .append(" held out (first byte of SHA-256(id) mod 10 < 3)\n");
        sb.append("searched ").append(r.evaluated()).append(" rulesets in ").append(r.elapsed().toMillis()).append(" ms; ")
                .append(r.rejectedOnHeldOut()).append(" cheaper ones kept the floor in training but not on the held-out rows\n");
        sb.append(r.changes().isEmpty() ? "no change: nothing cheaper keeps the floor\n" : "changed: " + r.changes() + "\n");
        if (!r.floorMetHeldOut()) {
            sb.append("WARNING: no searched ruleset keeps the floor on the held-out rows; the file holds the ruleset unchanged\n");
        }
        sb.append("\n== before, held out ==\n").append(r.beforeTest().toTable());
        sb.append("\n== tuned, held out ==\n").append(r.tunedTest().toTable());
        sb.append("\nwrote ").append(out).append(" (publish it with: hpp-router rules publish ").append(out).append(")");
        return sb.toString();
    }
}
