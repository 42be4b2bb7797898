package io.hpp.router.app;

import io.hpp.router.common.Json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line offers the admin operations against the configured database. */
class CliTest {
    @TempDir
    Path dir;

    private String run(Path config, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "--config=" + config;
        System.arraycopy(args, 0, all, 1, args.length);
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = Main.commandLine().execute(all);
            assertThat(code).as(String.join(" ", args) + " exit code").isZero();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static JsonNode json(String out) throws Exception {
        return Json.MAPPER.readTree(out);
    }

    @Test
    void consumersKeysQuotaModelsAndRulesFromTheCommandLine() throws Exception {
        Path config = dir.resolve("hpp-router.yaml");
        Files.writeString(config, "database:\n  url: jdbc:sqlite:" + dir.resolve("cli.db") + "\n");

        JsonNode consumer = json(run(config, "consumer", "create", "--username", "carol", "--quota", "5"));
        String id = consumer.get("consumer_id").asText();
        assertThat(consumer.get("quota").decimalValue()).isEqualByComparingTo("5");

        JsonNode key = json(run(config, "key", "create", id, "--name", "ci"));
        assertThat(key.get("key").asText()).startsWith("hpp_" + key.get("key_id").asText() + ".");

        run(config, "quota", "add", id, "2.5");
        assertThat(json(run(config, "consumer", "show", id)).get("quota").decimalValue()).isEqualByComparingTo("7.5");
        run(config, "quota", "set", id, "1");
        assertThat(json(run(config, "consumer", "show", id)).get("remaining").decimalValue()).isEqualByComparingTo("1");
        run(config, "quota", "limits", id, "--rpm", "10");

        assertThat(run(config, "key", "revoke", key.get("key_id").asText())).contains("revoked");

        assertThat(json(run(config, "model", "list")).findValuesAsText("id")).contains("openai/gpt-5", "gpt-image-1");
        run(config, "model", "upsert", "{\"id\":\"openai/gpt-5\",\"enabled\":false}");
        JsonNode models = json(run(config, "model", "list"));
        for (JsonNode m : models) {
            if (m.get("id").asText().equals("openai/gpt-5")) {
                assertThat(m.get("enabled").asBoolean()).isFalse();
            }
        }

        Path rules = dir.resolve("rules.json");
        Files.writeString(rules, "{\"tool\":{\"rule_id\":\"t\",\"model\":\"openai/gpt-4o-mini\"}}");
        assertThat(json(run(config, "rules", "publish", rules.toString())).get("version").asInt()).isEqualTo(2);
        assertThat(json(run(config, "rules", "activate", "1")).get("version").asInt()).isEqualTo(1);
        assertThat(json(run(config, "rules", "list"))).hasSize(2);
    }

    @Test
    void keySettingsListUpdateRotateConsumerSearchAndAuditFromTheCommandLine() throws Exception {
        Path config = dir.resolve("hpp-router.yaml");
        Files.writeString(config, "database:\n  url: jdbc:sqlite:" + dir.resolve("keys.db") + "\n");
        String id = json(run(config, "consumer", "create", "--username", "Dora-CLI", "--quota", "5")).get("consumer_id").asText();
        json(run(config, "consumer", "create", "--username", "someone-else"));

        JsonNode key = json(run(config, "key", "create", id, "--name", "agent", "--budget", "1.5", "--budget-period", "weekly",
                "--allow-model", "openai/*", "--allow-model", "hpprouter/auto", "--rpm", "20", "--tpm", "9000",
                "--expires-at", "2031-05-01T00:00:00Z", "--disabled", "--metadata", "{\"team\":\"ops\"}"));
        String keyId = key.get("key_id").asText();
        assertThat(key.get("key").asText()).startsWith("hpp_" + keyId + ".");
        assertThat(key.get("budget").decimalValue()).isEqualByComparingTo("1.5");
        assertThat(key.get("budget_period").asText()).isEqualTo("weekly");
        assertThat(key.get("allowed_models").toString()).isEqualTo("[\"openai/*\",\"hpprouter/auto\"]");
        assertThat(key.get("requests_per_minute").asLong()).isEqualTo(20);
        assertThat(key.get("tokens_per_minute").asLong()).isEqualTo(9000);
        assertThat(key.get("expires_at").asText()).isEqualTo("2031-05-01T00:00:00Z");
        assertThat(key.get("disabled").asBoolean()).isTrue();
        assertThat(key.at("/metadata/team").asText()).isEqualTo("ops");

        JsonNode updated = json(run(config, "key", "update", keyId, "--no-budget", "--allow-all-models", "--no-rpm", "--enabled",
                "--no-expiry", "--tpm", "100"));
        assertThat(updated.get("budget").isNull()).isTrue();
        assertThat(updated.get("budget_period").isNull()).isTrue();
        assertThat(updated.get("allowed_models").isNull()).isTrue();
        assertThat(updated.get("requests_per_minute").isNull()).isTrue();
        assertThat(updated.get("tokens_per_minute").asLong()).isEqualTo(100);
        assertThat(updated.get("expires_at").isNull()).isTrue();
        assertThat(updated.get("disabled").asBoolean()).isFalse();
        assertThat(updated.get("name").asText()).as("not named, so kept").isEqualTo("agent");

        String listed = run(config, "key", "list", id);
        assertThat(json(listed)).hasSize(1);
        assertThat(json(listed).get(0).get("tokens_per_minute").asLong()).isEqualTo(100);
        String secret = key.get("key").asText().substring(key.get("key").asText().indexOf('.') + 1);
        assertThat(listed).doesNotContain(secret);

        JsonNode rotated = json(run(config, "key", "rotate", keyId, "--grace-seconds", "60"));
        assertThat(rotated.get("key").asText()).startsWith("hpp_" + keyId + ".").isNotEqualTo(key.get("key").asText());
        assertThat(rotated.get("previous_valid_until").asText()).isNotBlank();

        JsonNode found = json(run(config, "consumer", "list", "--query", "dora", "--limit", "5"));
        assertThat(found.get("data")).hasSize(1);
        assertThat(found.at("/data/0/consumer_id").asText()).isEqualTo(id);
        assertThat(found.get("next_cursor").isNull()).isTrue();
        JsonNode firstOfAll = json(run(config, "consumer", "list", "--limit", "1"));
        assertThat(firstOfAll.get("data")).hasSize(1);
        assertThat(json(run(config, "consumer", "list", "--limit", "1", "--cursor", firstOfAll.get("next_cursor").asText()))
                .at("/data/0/username").asText()).isEqualTo("someone-else");

        JsonNode audit = json(run(config, "audit", "--target", "key:" + keyId, "--limit", "2"));
        assertThat(audit.get("data")).extracting(e -> e.get("action").asText()).containsExactly("key.rotate", "key.update");
        assertThat(audit.at("/data/0/actor").asText()).isEqualTo("cli");
        assertThat(audit.get("next_cursor").isNull()).isFalse();
        assertThat(audit.toString()).doesNotContain(secret).doesNotContain(rotated.get("key").asText());
        assertThat(json(run(config, "audit")).get("data")).extracting(e -> e.get("action").asText())
                .containsExactly("key.rotate", "key.update", "key.create", "consumer.create", "consumer.create");

        assertThat(Main.commandLine().execute("--config=" + config, "key", "update", keyId, "--budget", "1", "--no-budget")).isEqualTo(2);
        assertThat(Main.commandLine().execute("--config=" + config, "key", "create", id, "--budget-period", "hourly", "--budget", "1"))
                .isEqualTo(2);
        assertThat(json(run(config, "key", "list", id))).as("no key was made by the refused create").hasSize(1);
    }

    @Test
    void badInputPrintsOneLineAndExitsWithTwo() throws Exception {
        Path config = dir.resolve("hpp-router.yaml");
        Files.writeString(config, "database:\n  url: jdbc:sqlite:" + dir.resolve("cli.db") + "\n");
        assertThat(Main.commandLine().execute("--config=" + config, "consumer", "show", "nope")).isEqualTo(2);
        Files.writeString(config, "server:\n  port: eighty\n");
        assertThat(Main.commandLine().execute("--config=" + config, "model", "list")).isEqualTo(2);
    }

    @Test
    void everyCommandAndSubcommandAnswersHelpWithItsUsage() {
        java.util.List<String> seen = new java.util.ArrayList<>();
        java.util.ArrayDeque<java.util.List<String>> todo = new java.util.ArrayDeque<>();
        todo.add(java.util.List.of());
        while (!todo.isEmpty()) {
            java.util.List<String> path = todo.poll();
            picocli.CommandLine cmd = Main.commandLine();
            for (String name : path) {
                cmd = cmd.getSubcommands().get(name);
            }
            cmd.getSubcommands().keySet().forEach(name -> {
                java.util.List<String> next = new java.util.ArrayList<>(path);
                next.add(name);
                todo.add(next);
            });
            java.util.List<String> args = new java.util.ArrayList<>(path);
            args.add("--help");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            picocli.CommandLine cli = Main.commandLine();
            cli.setOut(new java.io.PrintWriter(out, true, StandardCharsets.UTF_8));
            int code = cli.execute(args.toArray(String[]::new));
            String usage = out.toString(StandardCharsets.UTF_8);
            assertThat(code).as(String.join(" ", args)).isZero();
            assertThat(usage).as(String.join(" ", args)).startsWith("Usage: hpp-router" + (path.isEmpty() ? "" : " " + String.join(" ", path)));
            seen.add(String.join(" ", path));
        }
        assertThat(seen).contains("consumer", "consumer create", "consumer list", "key revoke", "key list", "key update", "key rotate", "audit",
                "quota limits", "model upsert", "rules publish", "serve");
    }
}
