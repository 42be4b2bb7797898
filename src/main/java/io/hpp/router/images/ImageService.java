package io.hpp.router.images;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.billing.QuotaLedger;
import io.hpp.router.billing.RateLimiter;
import io.hpp.router.catalog.ModelCatalog;
import io.hpp.router.chat.ChatService;
import io.hpp.router.chat.ClientChannel;
import io.hpp.router.chat.RequestRecord;
import io.hpp.router.common.ApiException;
import io.hpp.router.provider.ImageProvider;
import io.hpp.router.provider.Providers;
import io.hpp.router.store.ApiKeyRecord;
import io.hpp.router.value.Model;
import io.hpp.router.value.TokenUsage;
import io.hpp.router.wire.UsageReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Image generation through the same pipeline as chat: validate, resolve, reserve the worst case (prompt bound plus
 * the published output tokens of n images at that size and quality), dispatch, settle from the real usage.
 */
public final class ImageService {
    private final ModelCatalog catalog;
    private final Providers providers;
    private final QuotaLedger ledger;

    /**
     * Input tokens held beyond the prompt's (at most one a byte) for the model's own framing, whose size OpenAI does
     * not publish: generous, since a request is never charged more than its hold (256 tokens: $0.00256 at
     * gpt-image-1's $10 per 1M, released at settlement).
     */
    private static final long FRAMING_TOKENS = 256;

    private final RateLimiter limiter;

    public ImageService(ModelCatalog catalog, Providers providers, QuotaLedger ledger, RateLimiter limiter) {
        this.limiter = limiter;
        this.catalog = catalog;
        this.providers = providers;
        this.ledger = ledger;
    }

    public void handle(ApiKeyRecord key, String requestId, byte[] body, ClientChannel out) {
        RequestRecord a = new RequestRecord(key, requestId, "images");
        ledger.opened();
        HeldBackBody[] held = new HeldBackBody[1];
        try {
            a.admitted(limiter.admit(key));
            ImageRequest req = ImageRequest.parse(body);
            a.requested(req.model());
            Model model = catalog.find(req.model()).filter(Model::enabled).filter(m -> m.kind() == Model.Kind.IMAGE)
                    .orElseThrow(() -> new ApiException(400, "model_not_found",
                            "Model '" + req.model() + "' is not an enabled image model; GET /llm/v1/models lists the available ones"));
            a.resolved(ChatService.allowed(key, model));
            ImageProvider provider = providers.images(model.provider()).orElseThrow(() -> new ApiException(400, "model_not_found",
                    "Model '" + model.id() + "' is not available: provider '" + model.provider() + "' is not configured on this gateway"));
            long promptBound = req.prompt().getBytes(StandardCharsets.UTF_8).length + FRAMING_TOKENS;
            a.held(ledger.reserve(key, model.price(), promptBound, () -> promptBound,
                    req.outputTokensPerImage(), req.n(), false));
            long t0 = System.nanoTime();
            // the body's last byte waits for the settlement to be recorded (HeldBackBody)
            Optional<JsonNode> reported = provider.generate(model, req.body(), length -> {
                a.answered();
                held[0] = new HeldBackBody(out.openBody(200, Map.of("X-HPP-Router-Resolved-Model", model.id()), length));
                return held[0];
            });
            a.upstream(System.nanoTime() - t0);
            // without a usage report (an answer cut short), bill what the provider charges for generating n images
            TokenUsage usage = reported.map(ImageService::usage)
                    .orElseGet(() -> new TokenUsage(promptBound, req.n() * req.outputTokensPerImage(), 0, 0));
            a.charged(usage, model.price());
        } catch (RuntimeException e) {
            a.failed(e);
            if (!(e instanceof ClientChannel.ClientGoneException)) {
                throw e;
            }
        } finally {
            boolean recorded = ledger.settle(a.settlement(), a.overHold());
            if (held[0] != null) {
                finish(held[0], recorded);
            }
        }
    }

    /** Ends the relayed body: whole once the settlement is recorded, else one byte short (the client sees it cut). */
    private static void finish(HeldBackBody body, boolean recorded) {
        try {
            body.finish(recorded);
        } catch (java.io.IOException | ClientChannel.ClientGoneException e) {
            // the client left before the last byte; the request is settled
        }
    }

    /**
     * Images report {@code input_tokens} / {@code output_tokens} (not chat's names); cached input, when reported in
     * {@code input_tokens_details.cached_tokens}, is billed at the cache-read rate.
     */
    static TokenUsage usage(JsonNode u) {
        long input = UsageReader.tokens(u.get("input_tokens"));
        long cached = Math.min(input, UsageReader.tokens(u.path("input_tokens_details").get("cached_tokens")));
        return new TokenUsage(input - cached, UsageReader.tokens(u.get("output_tokens")), 0, cached);
    }
}
