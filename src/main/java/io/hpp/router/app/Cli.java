package io.hpp.router.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.admin.Admin;
import io.hpp.router.auth.ApiKeys;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import io.hpp.router.store.ConsumerRecord;
import io.hpp.router.store.Store;
import io.hpp.router.value.Model;
import io.hpp.router.value.Money;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * Administrative commands; they open the configured database directly. A running router notices quota and
 * catalog changes made here within its cache lifetimes (the admin API takes effect at once).
 */
final class Cli {
    private Cli() {
    }

    static void exec(Main main, Function<Admin, Object> op) {
        withStore(main, store -> op.apply(new Admin(store, new ApiKeys(store), "cli", id -> { }, () -> { })));
    }

    /** Opens the configured database, runs {@code op} on it and prints what it returns (JSON pretty-printed). */
    static void withStore(Main main, Function<Store, Object> op) {
        try (Store store = App.openStore(main.config())) {
            Object out = op.apply(store);
            System.out.println(out instanceof JsonNode n ? n.toPrettyString() : String.valueOf(out));
        }
    }

    static ObjectNode consumerJson(ConsumerRecord c) {
        ObjectNode n = Json.object();
        n.put("consumer_id", c.id());
        n.put("username", c.username().orElse(null));
        n.put("custom_id", c.customId().orElse(null));
        n.put("quota", c.quota().dollars());
        n.put("used", c.used().dollars());
        n.put("remaining", c.remaining().dollars());
        return n;
    }

    @Command(mixinStandardHelpOptions = true, name = "consumer", description = "Create, list or show consumers.",
            subcommands = {ConsumerCmd.Create.class, ConsumerCmd.ListCmd.class, ConsumerCmd.Show.class})
    static final class ConsumerCmd {
        @ParentCommand
        Main main;

        @Command(mixinStandardHelpOptions = true, name = "create", description = "Create a consumer.")
        static final class Create implements Runnable {
            @ParentCommand
            ConsumerCmd parent;
            @Option(names = "--username")
            String username;
            @Option(names = "--custom-id")
            String customId;
            @Option(names = "--quota", description = "Prepaid balance in dollars", defaultValue = "0")
            BigDecimal quota;

            @Override
            public void run() {
                exec(parent.main, a -> consumerJson(a.createConsumer(Optional.ofNullable(username),
                        Optional.ofNullable(customId), Optional.of(Money.ofDollars(quota)))));
            }
        }

        @Command(mixinStandardHelpOptions = true, name = "list", description = "Consumers oldest first, a page at a time.")
        static final class ListCmd implements Runnable {
            @ParentCommand
            ConsumerCmd parent;
            @Option(names = "--query", description = "Only consumers whose id, username or custom id contains this (ignoring case)")
            String query;
            @Option(names = "--limit", description = "How many consumers (1 to 500)", defaultValue = "100")
            int limit;
            @Option(names = "--cursor", description = "The next_cursor of the previous page")
            String cursor;

            @Override
            public void run() {
                exec(parent.main, a -> {
                    Admin.Page<ConsumerRecord> page = a.consumers(Optional.ofNullable(query), Optional.ofNullable(cursor), limit);
                    ObjectNode n = Json.object();
                    ArrayNode data = n.putArray("data");
                    page.items().forEach(c -> data.add(consumerJson(c)));
                    n.put("next_cursor", page.nextCursor().orElse(null));
                    return n;
                });
            }
        }

        @Command(mixinStandardHelpOptions = true, name = "show", description = "Show a consumer's balances.")
        static final class Show implements Runnable {
            @ParentCommand
            ConsumerCmd parent;
            @Parameters(paramLabel = "CONSUMER_ID")
            String id;

            @Override
            public void run() {
                exec(parent.main, a -> consumerJson(a.consumer(id)));
            }
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "quota", description = "Set or add to a consumer's quota.", subcommands = {QuotaCmd.Set.class, QuotaCmd.Add.class,
            QuotaCmd.Limits.class})
    static final class QuotaCmd {
        @ParentCommand
        Main main;

        @Command(mixinStandardHelpOptions = true, name = "set", description = "Set the quota in dollars.")
        static final class Set implements Runnable {
            @ParentCommand
            QuotaCmd parent;
            @Parameters(index = "0", paramLabel = "CONSUMER_ID")
            String id;
            @Parameters(index = "1", paramLabel = "DOLLARS")
            BigDecimal amount;

            @Override
            public void run() {
                exec(parent.main, a -> consumerJson(a.changeQuota(id, Optional.of(Money.ofDollars(amount)), Optional.empty())));
            }
        }

        @Command(mixinStandardHelpOptions = true, name = "limits", description = "Set per-minute rate limits (omit an option to lift that limit).")
        static final class Limits implements Runnable {
            @ParentCommand
            QuotaCmd parent;
            @Parameters(index = "0", paramLabel = "CONSUMER_ID")
            String id;
            @Option(names = "--rpm", description = "Requests per minute")
            Long rpm;
            @Option(names = "--tpm", description = "Tokens per minute")
            Long tpm;

            @Override
            public void run() {
                exec(parent.main, a -> consumerJson(a.setLimits(id, Optional.ofNullable(rpm), Optional.ofNullable(tpm))));
            }
        }

        @Command(mixinStandardHelpOptions = true, name = "add", description = "Add dollars to the quota (negative to take away).")
        static final class Add implements Runnable {
            @ParentCommand
            QuotaCmd parent;
            @Parameters(index = "0", paramLabel = "CONSUMER_ID")
            String id;
            @Parameters(index = "1", paramLabel = "DOLLARS", arity = "1")
            BigDecimal amount;

            @Override
            public void run() {
                exec(parent.main, a -> consumerJson(a.changeQuota(id, Optional.empty(), Optional.of(Money.ofDollars(amount)))));
            }
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "model", description = "List or upsert catalog models.", subcommands = {ModelCmd.ListCmd.class, ModelCmd.Upsert.class})
    static final class ModelCmd {
        @ParentCommand
        Main main;

        @Command(mixinStandardHelpOptions = true, name = "list", description = "List the catalog with prices (USD per 1M tokens).")
        static final class ListCmd implements Runnable {
            @ParentCommand
            ModelCmd parent;

            @Override
            public void run() {
                exec(parent.main, a -> {
                    ArrayNode arr = Json.MAPPER.createArrayNode();
                    for (Model m : a.models()) {
                        ObjectNode n = arr.addObject();
                        n.put("id", m.id());
                        n.put("provider", m.provider());
                        n.put("upstream_model", m.upstreamModel());
                        n.put("input", m.price().input());
                        n.put("output", m.price().output());
                        n.put("enabled", m.enabled());
                    }
                    return arr;
                });
            }
        }

        @Command(mixinStandardHelpOptions = true, name = "upsert", description = "Create or update a model from JSON, as POST /admin/v1/models takes it.")
        static final class Upsert implements Runnable {
            @ParentCommand
            ModelCmd parent;
            @Parameters(paramLabel = "JSON")
            String json;

            @Override
            public void run() {
                JsonNode body;
                try {
                    body = Json.readTree(json);
                } catch (IOException e) {
                    throw ApiException.invalidRequest("the argument is not valid JSON: " + e.getMessage());
                }
                exec(parent.main, a -> a.upsertModel(body).id() + " saved");
            }
        }
    }
}
