package io.hpp.router.config;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads {@code providers.<name>.*}: the four presets (OpenAI, Anthropic, Moonshot, Ollama), which keep their environment
 * variables and defaults, and any number of providers named in the YAML. A preset without the key it needs is kept
 * aside as not configured (reported, not served); any other mistake stops start-up with a message that names the key
 * and the expected form. Values were already taken through {@code ${ENV}} substitution by {@link ConfigLoader}.
 */
final class ProviderLoader {
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Set<String> FIELDS = Set.of("type", "base_url", "api_key", "proxy", "ca_file", "api_version",
            "connect_timeout_ms", "first_byte_timeout_ms", "idle_timeout_ms");
    /** What a preset reads from its environment variables ({@code OPENAI_BASE_URL}…), as it always has; no more. */
    private static final Set<String> ENV_FIELDS = Set.of("base_url", "api_key", "connect_timeout_ms", "first_byte_timeout_ms",
            "idle_timeout_ms");

    /** A provider the router knows without being told: its name, environment prefix, type, default URL, key need. */
    private record Preset(String name, String envPrefix, ProviderConfig.Type type, String defaultBaseUrl, boolean keyRequired) {
    }

    private static final Preset[] PRESETS = {
        new Preset("openai", "OPENAI", ProviderConfig.Type.OPENAI, "https://api.openai.com/v1", true),
        new Preset("anthropic", "ANTHROPIC", ProviderConfig.Type.ANTHROPIC, "https://api.anthropic.com", true),
        new Preset("moonshotai", "MOONSHOT", ProviderConfig.Type.OPENAI, "https://api.moonshot.ai/v1", true),
        new Preset("ollama", "OLLAMA", ProviderConfig.Type.OPENAI, "http://127.0.0.1:11434", false),
    };

    /** The providers that can serve, and the presets left without the key they need. */
    record Loaded(Map<String, ProviderConfig> configured, Map<String, ProviderConfig> unconfigured) {
    }

    private final Map<String, String> values;
    private final Map<String, String> env;

    ProviderLoader(Map<String, String> values, Map<String, String> env) {
        this.values = values;
        this.env = env;
    }

    Loaded load() {
        Map<String, ProviderConfig> configured = new LinkedHashMap<>();
        Map<String, ProviderConfig> unconfigured = new LinkedHashMap<>();
        Set<String> named = namedInFile();
        for (Preset p : PRESETS) {
            named.remove(p.name());
            ProviderConfig c = provider(p.name(), Optional.of(p));
            boolean keyNeeded = p.keyRequired() || c.type() != ProviderConfig.Type.OPENAI;
            (c.apiKey().isEmpty() && keyNeeded ? unconfigured : configured).put(p.name(), c);
        }
        for (String name : named) {
            ProviderConfig c = provider(name, Optional.empty());
            if (c.apiKey().isEmpty() && c.type() != ProviderConfig.Type.OPENAI) {
                throw new ConfigException("config key 'providers." + name + ".api_key': type " + c.type().wire()
                        + " needs an API key: expected api_key: ${SOME_ENVIRONMENT_VARIABLE}");
            }
            configured.put(name, c);
        }
        return new Loaded(configured, unconfigured);
    }

    /** The provider names the YAML gives, each checked, and every field under them checked against the known ones. */
    private Set<String> namedInFile() {
        Set<String> names = new TreeSet<>();
        for (String key : values.keySet()) {
            if (!key.startsWith("providers.") && !key.equals("providers")) {
                continue;
            }
            String[] parts = key.split("\\.", 3);
            if (parts.length < 3) {
                throw new ConfigException("config key '" + key + "': expected a mapping of provider names to their settings"
                        + " (type, base_url, api_key, headers, …)");
            }
            String name = parts[1];
            if (!NAME.matcher(name).matches()) {
                throw new ConfigException("config key 'providers." + name + "': expected a provider name of lower-case letters,"
                        + " digits and '-', starting with a letter or digit (at most 63 characters), got '" + name + "'");
            }
            String field = parts[2];
            if (!FIELDS.contains(field) && !field.startsWith("headers.")) {
                throw new ConfigException("config key '" + key + "': unknown setting; expected one of type, base_url, api_key,"
                        + " headers, proxy, ca_file, api_version, connect_timeout_ms, first_byte_timeout_ms, idle_timeout_ms");
            }
            names.add(name);
        }
        return names;
    }

    private ProviderConfig provider(String name, Optional<Preset> preset) {
        Field f = new Field(name, preset.map(Preset::envPrefix));
        ProviderConfig.Type type = f.value("type")
                .map(t -> ProviderConfig.Type.of(t).orElseThrow(() -> f.bad("type", "one of openai, anthropic, azure-openai", t)))
                .or(() -> preset.map(Preset::type))
                .orElseThrow(() -> new ConfigException("config key 'providers." + name + ".type' is required: expected one of"
                        + " openai, anthropic, azure-openai"));
        String baseUrl = f.value("base_url").or(() -> preset.map(Preset::defaultBaseUrl))
                .orElseThrow(() -> new ConfigException("config key 'providers." + name + ".base_url' is required: expected an"
                        + " http:// or https:// URL such as https://api.example.com/v1"));
        URI uri = ProviderValues.baseUrl(baseUrl).orElseThrow(() -> f.bad("base_url",
                "an http:// or https:// URL without credentials, query or fragment", baseUrl));
        Optional<Secret> key = f.value("api_key").map(Secret::of);
        Map<String, Secret> headers = ProviderValues.headers(name, type, key.isPresent(), values);
        Optional<URI> proxy = f.value("proxy").map(p -> ProviderValues.proxy(p)
                .orElseThrow(() -> f.bad("proxy", "http://host:port (no credentials, no path)", p)));
        Optional<java.nio.file.Path> caFile = f.value("ca_file").map(p -> ProviderValues.caFile("providers." + name + ".ca_file", p));
        Optional<String> version = f.value("api_version");
        if (version.isPresent() && type != ProviderConfig.Type.AZURE_OPENAI) {
            throw new ConfigException("config key 'providers." + name + ".api_version': only type azure-openai takes an api_version");
        }
        if (version.isPresent() && !version.get().matches("\\d{4}-\\d{2}-\\d{2}(-preview)?")) {
            throw f.bad("api_version", "a date such as " + ProviderConfig.AZURE_API_VERSION + " (or 2025-04-01-preview)",
                    version.get());
        }
        return new ProviderConfig(name, uri, key,
                Duration.ofMillis(f.number("connect_timeout_ms", 5_000, 600_000)),
                Duration.ofMillis(f.number("first_byte_timeout_ms", 120_000, 3_600_000)),
                Duration.ofMillis(f.number("idle_timeout_ms", 60_000, 3_600_000)),
                type, headers, proxy, caFile, version.orElse(ProviderConfig.AZURE_API_VERSION));
    }

    /**
     * The settings of one provider: a preset's environment variable ({@code OPENAI_BASE_URL}) wins over its YAML key,
     * as before; a provider named in the YAML reads the YAML only (secrets come in through {@code ${ENV}}).
     */
    private final class Field {
        private final String name;
        private final Optional<String> envPrefix;

        Field(String name, Optional<String> envPrefix) {
            this.name = name;
            this.envPrefix = envPrefix;
        }

        Optional<String> value(String field) {
            Optional<String> fromEnv = envVar(field).map(env::get).filter(v -> !v.isBlank());
            if (fromEnv.isPresent()) {
                return fromEnv.map(String::trim);
            }
            return Optional.ofNullable(values.get("providers." + name + "." + field)).map(String::trim).filter(s -> !s.isEmpty());
        }

        long number(String field, long dflt, long max) {
            Optional<String> v = value(field);
            if (v.isEmpty()) {
                return dflt;
            }
            try {
                long n = Long.parseLong(v.get());
                if (n >= 1 && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw bad(field, "an integer from 1 to " + max, v.get());
        }

        private Optional<String> envVar(String field) {
            return envPrefix.filter(p -> ENV_FIELDS.contains(field)).map(p -> p + "_" + field.toUpperCase(java.util.Locale.ROOT));
        }

        ConfigException bad(String field, String expected, String got) {
            String env = envVar(field).map(v -> " (env " + v + ")").orElse("");
            return new ConfigException("config key 'providers." + name + "." + field + "'" + env + ": expected " + expected
                    + ", got '" + got + "'");
        }
    }
}
