package io.hpp.router.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hpp.router.admin.RoutingAdmin;
import io.hpp.router.catalog.ModelCatalog;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.store.RulesetRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code rules list | publish FILE | activate VERSION}: the routing ruleset versions, as the admin API offers them. */
@Command(mixinStandardHelpOptions = true, name = "rules", description = "List, publish, activate, evaluate or tune smart-routing ruleset versions.",
        subcommands = {RulesCli.ListCmd.class, RulesCli.Publish.class, RulesCli.Activate.class, RulesEvalCli.Eval.class,
                RulesEvalCli.Tune.class})
final class RulesCli {
    @ParentCommand
    Main main;

    static void exec(Main main, Function<RoutingAdmin, Object> op) {
        Cli.withStore(main, store -> {
            new io.hpp.router.routing.ActiveRules(store);
            return op.apply(new RoutingAdmin(store, new ModelCatalog(store)::find, () -> { }, "cli"));
        });
    }

    static JsonNode summary(RulesetRecord r) {
        return Json.object().put("version", r.version()).put("active", r.active()).put("created_at", r.createdAt().toString())
                .put("created_by", r.createdBy());
    }

    @Command(mixinStandardHelpOptions = true, name = "list", description = "Every version, and which is active.")
    static final class ListCmd implements Runnable {
        @ParentCommand
        RulesCli parent;

        @Override
        public void run() {
            exec(parent.main, a -> {
                ArrayNode arr = Json.MAPPER.createArrayNode();
                a.rulesets().forEach(r -> arr.add(summary(r)));
                return arr;
            });
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "publish", description = "Validate a ruleset JSON file, store it as the next version and activate it.")
    static final class Publish implements Runnable {
        @ParentCommand
        RulesCli parent;
        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public void run() {
            JsonNode body;
            try {
                body = Json.readTree(java.nio.file.Files.readAllBytes(file));
            } catch (IOException e) {
                throw ApiException.invalidRequest("cannot read " + file + " as JSON: " + e.getMessage());
            }
            exec(parent.main, a -> summary(a.publish(body, "cli")));
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "activate", description = "Make an existing version the active one (roll back or forward).")
    static final class Activate implements Runnable {
        @ParentCommand
        RulesCli parent;
        @Parameters(paramLabel = "VERSION")
        long version;

        @Override
        public void run() {
            exec(parent.main, a -> summary(a.activate(version)));
        }
    }
}
