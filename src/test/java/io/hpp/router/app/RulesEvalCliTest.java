package io.hpp.router.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.common.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rules eval} and {@code rules tune} on the configured database: tables, JSON, CSV, the sweep's files, the tuned file. */
class RulesEvalCliTest {
    @TempDir
    Path dir;

    private String run(int expectedCode, Path config, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "--config=" + config;
        System.arraycopy(args, 0, all, 1, args.length);
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.commandLine().execute(all)).as(String.join(" ", args) + " exit code").isEqualTo(expectedCode);
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** Prompts of 1..40 words; up to 20 words the weak answer is as good as the strong one, beyond it is worthless. */
    private Path dataset() throws Exception {
        List<String> rows = new ArrayList<>();
        for (int w = 1; w <= 40; w++) {
            rows.add("{\"id\":\"c-" + w + "\",\"source\":\"" + (w % 2 == 0 ? "even" : "odd") + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                    + "word ".repeat(w).trim() + "\"}],\"results\":{\"weak\":{\"quality\":" + (w <= 20 ? 1 : 0) + ",\"output_tokens\":5},"
                    + "\"strong\":{\"quality\":1,\"output_tokens\":5}}}");
        }
        Path f = dir.resolve("d.jsonl");
        Files.writeString(f, String.join("\n", rows) + "\n");
        return f;
    }

    @Test
    void evalSweepAndTuneFromTheCommandLine() throws Exception {
        Path config = dir.resolve("hpp-router.yaml");
        Files.writeString(config, "database:\n  url: jdbc:sqlite:" + dir.resolve("cli.db") + "\n");
        String data = dataset().toString();
        Path rules = dir.resolve("rules.json");
        Files.writeString(rules, """
                {"simple": {"rule_id": "s", "model": "openai/gpt-4o-mini", "max_input_tokens": 0},
                 "complex": {"tiers": [{"tier": "T1", "rule_id": "t1", "model": "openai/gpt-5"}]}}""");

        String table = run(0, config, "rules", "eval", "--dataset", data);
        assertThat(table).contains("ruleset version 1; mapping T1=weak,T2=strong,T3=strong,simple=weak,streaming=weak,tool=strong,*=strong")
                .contains("even", "odd", "all ");

        JsonNode report = Json.MAPPER.readTree(run(0, config, "rules", "eval", "--dataset", data, "--ruleset-file", rules.toString(),
                "--mapping", "simple=weak,*=strong", "--json"));
        assertThat(report.at("/sources/2/places/T1").asLong()).isEqualTo(40);
        assertThat(report.at("/sources/2/top_quality_kept").asDouble()).isEqualTo(1.0);

        String csv = run(0, config, "rules", "eval", "--dataset", data, "--ruleset-file", rules.toString(), "--csv",
                "--sweep", "simple.max_input_tokens=0:60:20", "--sweep-out", dir.resolve("curve").toString());
        assertThat(csv.lines().findFirst().orElseThrow()).startsWith("source,requests,n_T1,cost_routed_usd");
        assertThat(Files.readAllLines(dir.resolve("curve.csv"))).hasSize(1 + 4 + 3);
        assertThat(Files.readString(dir.resolve("curve.svg"))).startsWith("<svg").contains("current ruleset");

        Path tuned = dir.resolve("tuned.json");
        String out = run(0, config, "rules", "tune", "--dataset", data, "--ruleset-file", rules.toString(), "--mapping",
                "simple=weak,*=strong", "--keep", "1.0", "--out", tuned.toString());
        assertThat(out).contains("changed: {simple.max_input_tokens=0 -> ", "== tuned, held out ==", "wrote " + tuned);
        // 20 words = 28 tokens: the tuned limit lets every good prompt through and no bad one
        long limit = Json.MAPPER.readTree(Files.readString(tuned)).at("/simple/max_input_tokens").asLong();
        assertThat(limit).isBetween(20L, 28L);
        assertThat(Json.MAPPER.readTree(run(0, config, "rules", "list"))).as("tune never publishes").hasSize(1);
        assertThat(Json.MAPPER.readTree(run(0, config, "rules", "publish", tuned.toString())).get("version").asInt()).isEqualTo(2);

        run(2, config, "rules", "eval", "--dataset", data, "--mapping", "T1=medium");
    }
}
