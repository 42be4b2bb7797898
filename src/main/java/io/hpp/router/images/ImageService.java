package io.hpp.router.images;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.ApiException;
import io.hpp.router.billing.CostCalculator;
import io.hpp.router.billing.QuotaLedger;
import io.hpp.router.billing.RateLimiter;
import io.hpp.router.billing.TokenUsage;
import io.hpp.router.catalog.Model;
import io.hpp.router.catalog.ModelCatalog;
import io.hpp.router.chat.Attempt;
import io.hpp.router.chat.ClientChannel;
import io.hpp.router.observe.RequestLogWriter;
import io.hpp.router.provider.ImageProvider;
import io.hpp.router.provider.Providers;
import io.hpp.router.store.ApiKeyRecord;
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
    private final RequestLogWriter log;

    private final RateLimiter limiter;

    public ImageService(ModelCatalog catalog, Providers providers, QuotaLedger ledger, RequestLogWriter log, RateLimiter limiter) {
        this.limiter = limiter;
        this.catalog = catalog;
        this.providers = providers;
        this.ledger = ledger;
        this.log = log;
    }

    public void handle(ApiKeyRecord key, String requestId, byte[] body, ClientChannel out) {
        Attempt a = new Attempt(key, requestId, "images");
        log.begin();
        try {
            a.admitted(limiter.admit(key.consumerId()));
            ImageRequest req = ImageRequest.parse(body);
            a.requested(req.model());
            Model model = catalog.find(req.model()).filter(Model::enabled).filter(m -> m.kind() == Model.Kind.IMAGE)
                    .orElseThrow(() -> new ApiException(400, "model_not_found",
                            "Model '" + req.model() + "' is not an enabled image model; GET /llm/v1/models lists the available ones"));
            a.resolved(model);
            ImageProvider provider = providers.images(model.provider()).orElseThrow(() -> new ApiException(400, "model_not_found",
                    "Model '" + model.id() + "' is not available: provider '" + model.provider() + "' is not configured on this gateway"));
            long promptBound = req.prompt().getBytes(StandardCharsets.UTF_8).length + 16L;
            a.held(ledger.reserve(key.consumerId(), model.price(), promptBound, () -> promptBound,
                    req.n() * req.outputTokensPerImage(), false));
            long t0 = System.nanoTime();
            Optional<JsonNode> reported = provider.generate(model, req.body(), length -> {
                a.answered();
                return out.openBody(200, Map.of("X-HPP-Router-Resolved-Model", model.id()), length);
            });
            a.upstream(System.nanoTime() - t0);
            // without a usage report (an answer cut short), bill what the provider charges for generating n images
            TokenUsage usage = reported.map(ImageService::usage)
                    .orElseGet(() -> new TokenUsage(promptBound, req.n() * req.outputTokensPerImage(), 0, 0));
            a.charged(usage, CostCalculator.cost(model.price(), usage));
        } catch (RuntimeException e) {
            a.failed(e);
            if (!(e instanceof ClientChannel.ClientGoneException)) {
                throw e;
            }
        } finally {
            log.submit(a.settlement());
        }
    }

    /**
     * Images report {@code input_tokens} / {@code output_tokens} (not chat's names); cached input, when reported in
     * {@code input_tokens_details.cached_tokens}, is billed at the cache-read rate.
     */
    static TokenUsage usage(JsonNode u) {
        long input = Math.max(0, u.path("input_tokens").asLong(0));
        long cached = Math.min(input, Math.max(0, u.path("input_tokens_details").path("cached_tokens").asLong(0)));
        return new TokenUsage(input - cached, Math.max(0, u.path("output_tokens").asLong(0)), 0, cached);
    }
}
