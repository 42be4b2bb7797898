package io.hpp.router.admin.eval;

import io.hpp.router.billing.CostCalculator;
import io.hpp.router.catalog.ModelCatalog;
import io.hpp.router.common.ApiException;
import io.hpp.router.routing.PromptTokens;
import io.hpp.router.routing.RouteDecision;
import io.hpp.router.routing.RuleSet;
import io.hpp.router.routing.SmartRouter;
import io.hpp.router.value.Model;
import io.hpp.router.value.Money;
import io.hpp.router.value.TokenUsage;
import io.hpp.router.wire.ChatRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replays scored prompts through a ruleset with {@link SmartRouter}'s own decision code, and prices each answer from
 * the catalog: input tokens as the router counts them (o200k), output tokens from the dataset's answer that the
 * decision's place maps to. The baselines send every prompt to the ruleset's top tier (strong answer) or to its
 * cheapest model (weak answer).
 */
public final class RulesetEvaluator {
    private final ModelCatalog catalog;
    private final PromptTokens tokens;

    public RulesetEvaluator(ModelCatalog catalog, PromptTokens tokens) {
        this.catalog = java.util.Objects.requireNonNull(catalog, "catalog");
        this.tokens = java.util.Objects.requireNonNull(tokens, "tokens");
    }

    /** A row parsed as a live request, with its input tokens counted in full. */
    public record Case(EvalRow row, ChatRequest request, long inputTokens) {
    }

    /** Parses each row's chat body as a live request is parsed ({@link ChatRequest#parse}), once for every ruleset. */
    public List<Case> prepare(List<EvalRow> rows) {
        List<Case> cases = new ArrayList<>(rows.size());
        for (EvalRow r : rows) {
            ChatRequest req = ChatRequest.parse(r.chatBody());
            cases.add(new Case(r, req, tokens.estimate(r.messages(), Long.MAX_VALUE).tokens()));
        }
        return cases;
    }

    public EvalReport evaluate(RuleSet rs, List<Case> cases, LabelMapping mapping) {
        return evaluate(rs, cases, mapping, Duration.ofDays(1));
    }

    /** As {@link #evaluate(RuleSet, List, LabelMapping)}, refusing to run longer than {@code limit}. */
    public EvalReport evaluate(RuleSet rs, List<Case> cases, LabelMapping mapping, Duration limit) {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        SmartRouter router = SmartRouter.offline(rs, catalog, tokens::estimate);
        Model top = priced(topModel(rs));
        Model cheapest = priced(cheapestModel(rs));
        Map<String, Tally> bySource = new TreeMap<>();
        Tally all = new Tally();
        Map<String, String> places = new TreeMap<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            if ((i & 255) == 255 && System.nanoTime() > deadline) {
                throw ApiException.invalidRequest("The evaluation took longer than " + limit.toSeconds() + " s; evaluate fewer rows");
            }
            RouteDecision d = router.decide(c.request());
            String place = LabelMapping.place(d);
            places.putIfAbsent(place, d.model().id());
            EvalRow.Answer routed = c.row().answer(mapping.label(d));
            Money routedCost = cost(d.model(), c.inputTokens(), routed.outputTokens());
            Money topCost = cost(top, c.inputTokens(), c.row().strong().outputTokens());
            Money cheapCost = cost(cheapest, c.inputTokens(), c.row().weak().outputTokens());
            for (Tally t : List.of(all, bySource.computeIfAbsent(c.row().source(), s -> new Tally()))) {
                t.add(place, routedCost, topCost, cheapCost, routed.quality(), c.row().strong().quality(), c.row().weak().quality());
            }
        }
        List<EvalReport.Summary> sources = new ArrayList<>();
        bySource.forEach((s, t) -> sources.add(t.summary(s)));
        sources.add(all.summary("all"));
        return new EvalReport(rs.version(), mapping.toString(), top.id(), cheapest.id(), Map.copyOf(places), List.copyOf(sources),
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** Exactly as billing prices a request: one rounding up to whole nano-dollars. */
    static Money cost(Model m, long inputTokens, long outputTokens) {
        return CostCalculator.cost(m.price(), new TokenUsage(inputTokens, outputTokens, 0, 0));
    }

    /** The model of the last complex tier: what "everything at the top" means. Without tiers, the dearest model. */
    static String topModel(RuleSet rs) {
        return rs.complex().map(c -> c.tiers().getLast().model()).orElseGet(() -> rungs(rs).getLast());
    }

    private String cheapestModel(RuleSet rs) {
        return rungs(rs).stream().min(Comparator.comparing(id -> {
            var p = priced(id).price();
            return p.input().add(p.output());
        })).orElseThrow();
    }

    /** The models the ruleset sends requests to (fallbacks aside). */
    private static List<String> rungs(RuleSet rs) {
        List<String> models = new ArrayList<>();
        rs.tool().ifPresent(r -> models.add(r.model()));
        rs.simple().ifPresent(r -> models.add(r.model()));
        rs.complex().ifPresent(c -> c.tiers().forEach(t -> models.add(t.model())));
        rs.streaming().flatMap(RuleSet.StreamingRule::model).ifPresent(models::add);
        return models;
    }

    private Model priced(String id) {
        return catalog.find(id).orElseThrow(() -> ApiException.invalidRequest("The ruleset routes to '" + id
                + "', which is not in the catalog (it has no pricing)"));
    }

    /** Sums for one source while the rows go by. */
    private static final class Tally {
        private final Map<String, Long> places = new TreeMap<>();
        private long requests;
        private Money routed = Money.ZERO;
        private Money top = Money.ZERO;
        private Money cheapest = Money.ZERO;
        private double routedQ;
        private double topQ;
        private double cheapQ;

        void add(String place, Money r, Money t, Money c, double rq, double tq, double cq) {
            places.merge(place, 1L, Long::sum);
            requests++;
            routed = routed.plus(r);
            top = top.plus(t);
            cheapest = cheapest.plus(c);
            routedQ += rq;
            topQ += tq;
            cheapQ += cq;
        }

        EvalReport.Summary summary(String source) {
            return new EvalReport.Summary(source, requests, Map.copyOf(places), routed, top, cheapest, routedQ, topQ, cheapQ);
        }
    }
}
