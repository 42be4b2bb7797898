package io.hpp.router.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.admin.Admin;
import io.hpp.router.admin.AdminViews;
import io.hpp.router.common.ApiException;
import io.hpp.router.common.Json;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code key create | list | update | rotate | revoke}: API keys and their settings, as the admin API offers them. */
@Command(mixinStandardHelpOptions = true, name = "key", description = "Issue, list, change, rotate or revoke API keys.",
        subcommands = {KeysCli.Create.class, KeysCli.ListCmd.class, KeysCli.Update.class, KeysCli.Rotate.class, KeysCli.Revoke.class})
final class KeysCli {
    @ParentCommand
    Main main;

    /** The settings a key is created or changed with; each option becomes the admin API's field of the same meaning. */
    static final class Settings {
        @Option(names = "--name", description = "A name for the key")
        String name;
        @Option(names = "--budget", description = "The most the key may spend, in dollars (per period with --budget-period)")
        String budget;
        @Option(names = "--budget-period", description = "daily, weekly or monthly (UTC): how often the budget renews")
        String budgetPeriod;
        @Option(names = "--allow-model", description = "A model id or pattern with * the key may use (repeatable; none: every model)")
        List<String> allowModels;
        @Option(names = "--rpm", description = "Requests per minute")
        Long rpm;
        @Option(names = "--tpm", description = "Tokens per minute")
        Long tpm;
        @Option(names = "--expires-at", description = "When the key stops working, RFC 3339 (2027-01-31T23:59:59Z)")
        String expiresAt;
        @Option(names = "--disabled", description = "The key is refused until enabled")
        boolean disabled;
        @Option(names = "--metadata", description = "A JSON object kept with the key")
        String metadata;

        /** The admin JSON form of the options given; options not given are left out. */
        ObjectNode body() {
            ObjectNode n = Json.object();
            Optional.ofNullable(name).ifPresent(v -> n.put("name", v));
            Optional.ofNullable(budget).ifPresent(v -> n.put("budget", v));
            Optional.ofNullable(budgetPeriod).ifPresent(v -> n.put("budget_period", v));
            Optional.ofNullable(allowModels).ifPresent(v -> v.forEach(n.withArray("allowed_models")::add));
            Optional.ofNullable(rpm).ifPresent(v -> n.put("requests_per_minute", v));
            Optional.ofNullable(tpm).ifPresent(v -> n.put("tokens_per_minute", v));
            Optional.ofNullable(expiresAt).ifPresent(v -> n.put("expires_at", v));
            if (disabled) {
                n.put("disabled", true);
            }
            Optional.ofNullable(metadata).ifPresent(v -> n.set("metadata", json(v, "--metadata")));
            return n;
        }
    }

    static JsonNode json(String text, String option) {
        try {
            return Json.readTree(text);
        } catch (IOException e) {
            throw ApiException.invalidRequest("Option " + option + " must be a JSON object, such as {\"team\":\"search\"}");
        }
    }

    static ObjectNode view(Admin.KeyState k) {
        return AdminViews.key(k.key(), k.spend(), Instant.now());
    }

    @Command(mixinStandardHelpOptions = true, name = "create", description = "Issue a key; it is printed once and stored only as a hash.")
    static final class Create implements Runnable {
        @ParentCommand
        KeysCli parent;
        @Parameters(paramLabel = "CONSUMER_ID")
        String consumerId;
        @Mixin
        Settings settings;

        @Override
        public void run() {
            Cli.exec(parent.main, a -> {
                Admin.NewKey k = a.createKey(consumerId, settings.body());
                ObjectNode n = Json.object();
                n.put("key_id", k.issued().keyId());
                n.put("key", k.issued().key());
                n.setAll(AdminViews.key(k.key(), Optional.empty(), Instant.now()));
                return n;
            });
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "list", description = "A consumer's keys with their settings and spend (never their secrets).")
    static final class ListCmd implements Runnable {
        @ParentCommand
        KeysCli parent;
        @Parameters(paramLabel = "CONSUMER_ID")
        String consumerId;

        @Override
        public void run() {
            Cli.exec(parent.main, a -> {
                ArrayNode arr = Json.MAPPER.createArrayNode();
                a.keys(consumerId).forEach(k -> arr.add(view(k)));
                return arr;
            });
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "update", description = "Change a key's settings; options not given keep their values.")
    static final class Update implements Runnable {
        @ParentCommand
        KeysCli parent;
        @Parameters(paramLabel = "KEY_ID")
        String keyId;
        @Mixin
        Settings settings;
        @Option(names = "--no-budget", description = "Remove the budget (and its period)")
        boolean noBudget;
        @Option(names = "--no-expiry", description = "The key never expires")
        boolean noExpiry;
        @Option(names = "--allow-all-models", description = "Lift the model allow-list")
        boolean allowAll;
        @Option(names = "--no-rpm", description = "Lift the requests-per-minute limit")
        boolean noRpm;
        @Option(names = "--no-tpm", description = "Lift the tokens-per-minute limit")
        boolean noTpm;
        @Option(names = "--enabled", description = "Enable a disabled key")
        boolean enabled;

        @Override
        public void run() {
            ObjectNode body = settings.body();
            clear(body, noBudget, settings.budget, "budget", "--no-budget", "--budget");
            clear(body, noExpiry, settings.expiresAt, "expires_at", "--no-expiry", "--expires-at");
            clear(body, allowAll, settings.allowModels, "allowed_models", "--allow-all-models", "--allow-model");
            clear(body, noRpm, settings.rpm, "requests_per_minute", "--no-rpm", "--rpm");
            clear(body, noTpm, settings.tpm, "tokens_per_minute", "--no-tpm", "--tpm");
            if (enabled && settings.disabled) {
                throw ApiException.invalidRequest("Options --enabled and --disabled exclude each other");
            }
            if (enabled) {
                body.put("disabled", false);
            }
            Cli.exec(parent.main, a -> {
                a.updateKey(keyId, body);
                return view(a.keyState(keyId));
            });
        }

        private static void clear(ObjectNode body, boolean clear, Object set, String field, String clearOption, String setOption) {
            if (clear && set != null) {
                throw ApiException.invalidRequest("Options " + clearOption + " and " + setOption + " exclude each other");
            }
            if (clear) {
                body.putNull(field);
            }
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "rotate", description = "Give a key a new secret with the same settings and spend.")
    static final class Rotate implements Runnable {
        @ParentCommand
        KeysCli parent;
        @Parameters(paramLabel = "KEY_ID")
        String keyId;
        @Option(names = "--grace-seconds", description = "How long the previous secret keeps working (default 0, at most 30 days)",
                defaultValue = "0")
        long graceSeconds;

        @Override
        public void run() {
            Cli.exec(parent.main, a -> {
                Admin.Rotated r = a.rotateKey(keyId, Duration.ofSeconds(graceSeconds));
                ObjectNode n = Json.object();
                n.put("key_id", r.issued().keyId());
                n.put("key", r.issued().key());
                r.previousValidUntil().ifPresent(u -> n.put("previous_valid_until", u.toString()));
                return n;
            });
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "revoke", description = "Revoke a key.")
    static final class Revoke implements Runnable {
        @ParentCommand
        KeysCli parent;
        @Parameters(paramLabel = "KEY_ID")
        String keyId;

        @Override
        public void run() {
            Cli.exec(parent.main, a -> {
                a.revokeKey(keyId);
                return "revoked " + keyId;
            });
        }
    }
}
