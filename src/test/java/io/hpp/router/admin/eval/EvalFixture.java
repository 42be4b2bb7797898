package io.hpp.router.admin.eval;

import io.hpp.router.app.App;
import io.hpp.router.catalog.ModelCatalog;
import io.hpp.router.config.ConfigLoader;
import io.hpp.router.routing.PromptTokens;
import io.hpp.router.routing.RuleSet;
import io.hpp.router.store.Store;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;

/** A store with the default catalog (gpt-4o-mini $0.15/$0.6, gpt-5-mini $0.25/$2, gpt-5 $1.25/$10 per 1M), and rows built by hand. */
final class EvalFixture implements AutoCloseable {
    final Store store;
    final RulesetEvaluator evaluator;

    EvalFixture() {
        java.nio.file.Path dir;
        try {
            dir = Files.createTempDirectory("eval-test");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        store = App.openStore(ConfigLoader.load(Optional.empty(), Map.of("HPP_ROUTER_DB_URL", "jdbc:sqlite:" + dir.resolve("e.db"))));
        evaluator = new RulesetEvaluator(new ModelCatalog(store), new PromptTokens());
    }

    static String row(String id, String source, String prompt, double weakQ, long weakOut, double strongQ, long strongOut) {
        return "{\"id\":\"" + id + "\",\"source\":\"" + source + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}],"
                + "\"results\":{\"weak\":{\"quality\":" + weakQ + ",\"output_tokens\":" + weakOut + "},"
                + "\"strong\":{\"quality\":" + strongQ + ",\"output_tokens\":" + strongOut + "}}}";
    }

    /** simple up to {@code simpleMax} tokens on gpt-4o-mini; T1 up to {@code t1Max} (margin 0) on gpt-5-mini; T2 on gpt-5. */
    static RuleSet rules(long simpleMax, long t1Max) {
        return RuleSet.parse(7, """
                {"simple": {"rule_id": "s", "model": "openai/gpt-4o-mini", "max_input_tokens": %d},
                 "complex": {"margin": 0, "tiers": [
                   {"tier": "T1", "rule_id": "t1", "max_input_tokens": %d, "model": "openai/gpt-5-mini"},
                   {"tier": "T2", "rule_id": "t2", "model": "openai/gpt-5"}]}}
                """.formatted(simpleMax, t1Max));
    }

    static String words(int n) {
        return "word ".repeat(n).trim();
    }

    @Override
    public void close() {
        store.close();
    }
}
