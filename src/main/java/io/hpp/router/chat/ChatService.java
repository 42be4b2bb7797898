package io.hpp.router.chat;

import io.hpp.router.billing.QuotaLedger;
import io.hpp.router.billing.RateLimiter;
import io.hpp.router.catalog.ModelCatalog;
import io.hpp.router.common.ApiException;
import io.hpp.router.config.RouterConfig;
import io.hpp.router.provider.CircuitBreakers;
import io.hpp.router.provider.Relayed;
import io.hpp.router.provider.Provider;
import io.hpp.router.provider.Providers;
import io.hpp.router.routing.RouteDecision;
import io.hpp.router.routing.SmartRouter;
import io.hpp.router.routing.TokenEstimator;
import io.hpp.router.store.ApiKeyRecord;
import io.hpp.router.upstream.AnswerMemory;
import io.hpp.router.upstream.ProviderException;
import io.hpp.router.value.Model;
import io.hpp.router.value.Price;
import io.hpp.router.value.TokenUsage;
import io.hpp.router.wire.ChatRequest;
import io.hpp.router.wire.Completion;
import io.hpp.router.wire.UsageReader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The chat pipeline, in the order the product promises: validate, resolve, reserve, dispatch, settle. The caller has
 * authenticated the key. Every request that got this far is settled and logged, whatever happened.
 */
public final class ChatService {
    private static final String AUTO = "hpprouter/auto";
    /** Output bound for models whose catalog entry gives none and requests that set no cap. */
    private static final long DEFAULT_OUTPUT_CAP = 128_000;
    /** Conversations a node remembers the deployment of (an entry is ~200 bytes: ~20 MB at most). */
    private static final int AFFINITY_CONVERSATIONS = 100_000;
    /** A conversation idle this long is forgotten (providers keep a prompt cache for minutes, not hours). */
    private static final java.time.Duration AFFINITY_IDLE = java.time.Duration.ofHours(1);

    private final ModelCatalog catalog;
    private final SmartRouter smartRouter;
    private final Providers providers;
    private final QuotaLedger ledger;
    private final TokenEstimator estimator;
    private final Dispatcher dispatcher;
    private final RateLimiter limiter;
    private final java.time.Duration disconnectDrain;

    public ChatService(ModelCatalog catalog, SmartRouter smartRouter, Providers providers, QuotaLedger ledger, TokenEstimator estimator,
                       CircuitBreakers breakers, RouterConfig.Resilience resilience,
                       java.util.function.BiConsumer<String, String> onFallback, RateLimiter limiter) {
        this.limiter = limiter;
        this.disconnectDrain = resilience.disconnectDrain();
        this.catalog = catalog;
        this.smartRouter = smartRouter;
        this.providers = providers;
        this.ledger = ledger;
        this.estimator = estimator;
        this.dispatcher = new Dispatcher(catalog, providers, breakers, resilience, onFallback,
                new Affinity(AFFINITY_CONVERSATIONS, AFFINITY_IDLE, System::nanoTime));
    }

    /** The state of each of {@code model}'s deployments on this node: circuit, requests in flight. */
    public List<DeploymentHealth> health(Model model) {
        return dispatcher.health(model);
    }

    /** Handles one chat request; a non-streamed answer is held in {@code memory} until the request ends. */
    public void handle(ApiKeyRecord key, String requestId, byte[] body, ClientChannel out, AnswerMemory memory) {
        handle(key, requestId, Front.chat(body), out, memory);
    }

    /** Handles one request of {@code front}'s API: the same pipeline, the answer back in the client's shape. */
    public void handle(ApiKeyRecord key, String requestId, Front front, ClientChannel out, AnswerMemory memory) {
        RequestRecord a = new RequestRecord(key, requestId, front.endpoint());
        ledger.opened();
        LastWrite lastWrite = null;
        boolean recorded = false;
        try {
            a.admitted(limiter.admit(key));
            ChatRequest req = front.request();
            a.requested(req.model(), req.stream());
            Optional<RouteDecision> route = req.model().equals(AUTO) ? Optional.of(decide(key, req)) : Optional.empty();
            a.routed(route);
            Model model = route.map(RouteDecision::model).orElseGet(() -> allowed(key, resolve(req.model())));
            a.resolved(model);
            // a fallback the key may not use is no fallback for this request
            Dispatcher.Conversation conversation = new Dispatcher.Conversation(key.consumerId(), () -> req.body().openingHash());
            List<Dispatcher.Target> targets = dispatcher.targets(model, route,
                    p -> route.isEmpty() || smartRouter.allows(route.get(), p), conversation).stream()
                    .filter(t -> route.isPresent() ? key.settings().autoMayUse(t.model().id()) : key.settings().allows(t.model().id()))
                    .toList();
            // the hold covers the dearest target and every one of the n answers, so a fallback can never cost more than was held
            long cap = targets.stream().mapToLong(t -> outputCap(req, t.model())).max().orElseThrow();
            QuotaLedger.Hold hold = ledger.reserve(key, Price.ceiling(targets.stream().map(t -> t.model().price()).toList()),
                    estimator.bound(req), () -> estimator.estimate(req), cap, req.answers(), true);
            a.held(hold);
            // the client's channel for a relayed answer, else one that gives the chat answer the client's shape
            ClientChannel chatOut = front.answers(out, req, () -> estimator.estimate(req));
            lastWrite = dispatcher.dispatch(targets, t -> {
                a.sentTo(t.model());
                return call(a, front, req, t, hold.loweredOutputCap(), headers(t.model(), route), out, chatOut, memory);
            });
        } catch (RuntimeException e) {
            a.failed(e);
            if (!(e instanceof ClientChannel.ClientGoneException)) {
                throw e;
            }
        } finally {
            recorded = ledger.settle(a.settlement(), a.overHold());
        }
        if (lastWrite != null) {
            lastWrite.finish(recorded);
        }
    }

    /**
     * What remains for the client once the request is settled: the answer's last write, made only once the settlement
     * is recorded (it then survives a crash of this process); else the answer is withheld, with the refusal in its place.
     */
    @FunctionalInterface
    private interface LastWrite {
        void finish(boolean recorded);
    }

    /** The last write of an answer sent whole: the JSON body, or 503 {@code journal_unavailable} (nothing was sent yet). */
    private static LastWrite whole(Runnable send) {
        return recorded -> {
            if (!recorded) {
                throw QuotaLedger.unrecordable();
            }
            send.run();
        };
    }

    /**
     * Calls one target: a relay to {@code out} when it speaks the client's API (the output cap lowered by the hold, if it
     * was), else the chat request with the cap the hold priced, its answer to {@code chatOut}. Returns the write of what remains for the client, made once settled.
     */
    private LastWrite call(RequestRecord a, Front front, ChatRequest req, Dispatcher.Target t, Optional<Long> lowered,
                          Map<String, String> headers, ClientChannel out, ClientChannel chatOut, AnswerMemory memory) {
        Model model = t.model();
        Optional<Front.Relay> relay = front.relayTo(t.provider());
        if (relay.isPresent()) {
            return req.stream() ? relayStream(a, req, model, out, headers, StreamRelay.framesOf(front), r -> r.run(relay.get(), model, lowered))
                    : relayOnce(a, req, relay.get(), lowered, model, out, headers, memory);
        }
        ChatRequest chat = req.upstream(req.capField().orElse(t.provider().capField()), lowered);
        return req.stream() ? relayStream(a, chat, model, chatOut, headers, StreamRelay.CHAT, r -> r.run(t.provider(), model, chat.body()))
                : completeOnce(a, chat, model, t.provider(), chatOut, headers, memory);
    }

    /**
     * Counts a request's input tokens, not billed but logged and rate limited: the provider's own count for a provider
     * that speaks the client's API (Anthropic counts for free), else the router's tokenizer estimate.
     */
    public void countTokens(ApiKeyRecord key, String requestId, Front front, ClientChannel out, AnswerMemory memory) {
        RequestRecord a = new RequestRecord(key, requestId, "count_tokens");
        ledger.opened();
        LastWrite lastWrite = null;
        boolean recorded = false;
        try {
            a.admitted(limiter.admit(key));
            ChatRequest req = front.request();
            a.requested(req.model(), false);
            Model model = req.model().equals(AUTO) ? decide(key, req).model() : allowed(key, resolve(req.model()));
            a.resolved(model);
            long t0 = System.nanoTime();
            Optional<byte[]> counted = front.upstreamCount(provider(model), model, memory);
            a.upstream(System.nanoTime() - t0);
            byte[] answer = counted.orElseGet(() -> front.tokenCount(estimator.estimate(req)));
            a.answered();
            lastWrite = whole(() -> out.sendJson(200, Map.of("X-HPP-Router-Resolved-Model", model.id()), answer));
        } catch (RuntimeException e) {
            a.failed(e);
            throw e;
        } finally {
            recorded = ledger.settle(a.settlement(), false);
        }
        lastWrite.finish(recorded);
    }

    /** hpprouter/auto's decision among the models the key may use; 403 when the key may not use auto itself. */
    private RouteDecision decide(ApiKeyRecord key, ChatRequest req) {
        if (!key.settings().allows(AUTO)) {
            throw notAllowed(key, AUTO);
        }
        return smartRouter.decide(req, key.settings()::autoMayUse);
    }

    /** {@code model} if the key may use it, else 403 {@code model_not_allowed}. */
    public static Model allowed(ApiKeyRecord key, Model model) {
        if (!key.settings().allows(model.id())) {
            throw notAllowed(key, model.id());
        }
        return model;
    }

    private static ApiException notAllowed(ApiKeyRecord key, String modelId) {
        return new ApiException(403, "model_not_allowed", "This API key may not use model '" + modelId + "'; it allows only: "
                + String.join(", ", key.settings().allowedModels()));
    }

    private Provider provider(Model model) {
        return providers.find(model.provider()).orElseThrow(() -> new ApiException(400, "model_not_found",
                "Model '" + model.id() + "' is not available: provider '" + model.provider() + "' is not configured on this gateway"));
    }

    private Model resolve(String id) {
        return catalog.resolve(id).filter(Model::enabled).filter(m -> m.kind() == Model.Kind.CHAT)
                .orElseThrow(() -> new ApiException(400, "model_not_found",
                        "Model '" + id + "' does not exist or is not enabled; GET /llm/v1/models lists the available ones"));
    }

    /** Calls the provider; returns the write of the answer, made once the request is settled. */
    private LastWrite completeOnce(RequestRecord a, ChatRequest req, Model model, Provider provider, ClientChannel out,
                                  Map<String, String> headers, AnswerMemory memory) {
        long t0 = System.nanoTime();
        Completion answer = provider.complete(model, req.body(), memory);
        a.upstream(System.nanoTime() - t0);
        a.answered();
        TokenUsage usage = UsageReader.read(answer.usage()).orElseGet(() -> estimatedUsage(req, answer.text()));
        a.charged(usage, model.price());
        byte[] bytes = answer.withModel(model.id());
        return whole(() -> out.sendJson(200, headers, bytes));
    }

    /** An answer relayed as the provider sent it but for its model; returns its write, made once settled. */
    private LastWrite relayOnce(RequestRecord a, ChatRequest req, Front.Relay relay, Optional<Long> lowered, Model model,
                               ClientChannel out, Map<String, String> headers, AnswerMemory memory) {
        long t0 = System.nanoTime();
        Relayed.Answer answer = relay.complete(model, lowered, memory);
        a.upstream(System.nanoTime() - t0);
        a.answered();
        a.charged(answer.usage().orElseGet(() -> estimatedUsage(req, answer.message().text())), model.price());
        byte[] bytes = answer.message().withModel(model.id());
        return whole(() -> out.sendJson(200, headers, bytes));
    }

    /**
     * Relays the stream ({@code run} starts it on the relay); returns the last event ([DONE] or the error of a cut
     * stream), written once settled. A client that hangs up pays the provider's usage, read after it left (see
     * {@link StreamRelay}), or the hold without it.
     */
    private LastWrite relayStream(RequestRecord a, ChatRequest req, Model model, ClientChannel out, Map<String, String> headers,
                                 StreamRelay.Ending ending, Function<StreamRelay, Optional<ProviderException>> run) {
        StreamRelay relay = new StreamRelay(out, model.id(), req.includeUsage(), headers, disconnectDrain, ending);
        long t0 = System.nanoTime();
        try {
            Optional<ProviderException> cut = run.apply(relay);
            if (relay.clientGone().isPresent()) {
                throw relay.clientGone().get();
            }
            cut.ifPresent(e -> a.fail(e.clientStatus(), e.code()));
            // the stream's last event ([DONE], message_stop, response.completed) only once the settlement is recorded
            return recorded -> relay.finish(recorded ? cut : Optional.of(new ProviderException("hpp-router", "gateway_error",
                    "journal_unavailable", Optional.empty(), true, 503, QuotaLedger.unrecordable().getMessage())));
        } finally {
            a.upstream(System.nanoTime() - t0);
            if (relay.started()) {
                a.answeredAt(relay.firstEventNanos());
                if (relay.clientGone().isPresent() && relay.usage().isEmpty()) {
                    a.chargedHold();
                } else {
                    a.charged(relay.usage().orElseGet(() -> relay.produced().isEmpty()
                            ? TokenUsage.NONE : estimatedUsage(req, relay.produced())), model.price());
                }
            }
        }
    }

    /** Usage the provider did not report: the prompt's estimate and the produced text counted, within the caps. */
    private TokenUsage estimatedUsage(ChatRequest req, String produced) {
        long output = Math.min(estimator.count(produced), req.outputCap().map(c -> c * req.answers()).orElse(Long.MAX_VALUE));
        return new TokenUsage(estimator.estimate(req), output, 0, 0);
    }

    /** The most output tokens one answer may have: the client's cap, else the model's, never beyond the usage bound. */
    private static long outputCap(ChatRequest req, Model model) {
        return Math.min(TokenUsage.MAX_TOKENS, req.outputCap().orElseGet(() -> model.maxOutputTokens().orElse(DEFAULT_OUTPUT_CAP)));
    }


    /** The routing headers of a successful answer: the resolved model always, the decision for hpprouter/auto. */
    private static Map<String, String> headers(Model model, Optional<RouteDecision> route) {
        Map<String, String> h = new java.util.LinkedHashMap<>();
        h.put("X-HPP-Router-Resolved-Model", model.id());
        route.ifPresent(d -> {
            h.put("X-HPP-Router-Basket", d.basket().wire());
            h.put("X-HPP-Router-Rule-Id", d.ruleId());
            h.put("X-HPP-Router-Rules-Version", Long.toString(d.rulesVersion()));
            d.tier().ifPresent(t -> h.put("X-HPP-Router-Tier", t));
            d.reroutedFrom().ifPresent(m -> h.put("X-HPP-Router-Rerouted-From", m));
        });
        return h;
    }
}
