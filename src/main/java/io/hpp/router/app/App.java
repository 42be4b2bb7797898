package io.hpp.router.app;

import io.helidon.webserver.WebServer;
import io.hpp.router.admin.Admin;
import io.hpp.router.admin.RoutingAdmin;
import io.hpp.router.auth.ApiKeys;
import io.hpp.router.billing.QuotaCache;
import io.hpp.router.billing.QuotaLedger;
import io.hpp.router.billing.RateLimiter;
import io.hpp.router.billing.SetAsideFile;
import io.hpp.router.billing.SettlementJournal;
import io.hpp.router.billing.SettlementWriter;
import io.hpp.router.catalog.DefaultCatalog;
import io.hpp.router.catalog.ModelCatalog;
import io.hpp.router.chat.ChatService;
import io.hpp.router.common.Background;
import io.hpp.router.config.RouterConfig;
import io.hpp.router.http.HelidonPatch;
import io.hpp.router.http.RouterServer;
import io.hpp.router.images.ImageService;
import io.hpp.router.observe.Metrics;
import io.hpp.router.provider.CircuitBreakers;
import io.hpp.router.provider.Providers;
import io.hpp.router.routing.ActiveRules;
import io.hpp.router.routing.PromptTokens;
import io.hpp.router.routing.SmartRouter;
import io.hpp.router.routing.TokenEstimator;
import io.hpp.router.routing.Tokenizer;
import io.hpp.router.store.Database;
import io.hpp.router.store.Dialect;
import io.hpp.router.store.JdbcStore;
import io.hpp.router.store.ServeLock;
import io.hpp.router.store.Store;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running router: the wiring of store, caches, services and server, by hand. */
public final class App implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(App.class);

    private final Store store;
    private final WebServer server;
    private final ScheduledExecutorService background;

    private final Providers providers;
    private final SettlementWriter log;
    private final SettlementJournal journal;
    private final AutoCloseable listener;
    private final Optional<ServeLock> serveLock;

    private App(Store store, WebServer server, ScheduledExecutorService background, Providers providers, SettlementWriter log,
                SettlementJournal journal, AutoCloseable listener, Optional<ServeLock> serveLock) {
        this.journal = journal;
        this.store = store;
        this.server = server;
        this.background = background;
        this.providers = providers;
        this.log = log;
        this.listener = listener;
        this.serveLock = serveLock;
    }

    /** Waits until every finished request is settled in the database. */
    public boolean flushRequestLog(long timeoutMillis) {
        return log.flush(timeoutMillis);
    }

    public static App start(RouterConfig config) {
        Optional<ServeLock> serveLock = ServeLock.acquire(config);
        try {
            return start(config, serveLock);
        } catch (RuntimeException | Error e) {
            serveLock.ifPresent(ServeLock::close);
            throw e;
        }
    }

    private static App start(RouterConfig config, Optional<ServeLock> serveLock) {
        Store store = openStore(config);
        ModelCatalog catalog = new ModelCatalog(store);
        ActiveRules rules = new ActiveRules(store);
        QuotaCache quotaCache = new QuotaCache(store::consumer, config.quotaCacheTtl());
        ApiKeys keys = new ApiKeys(store);
        RateLimiter limiter = new RateLimiter(store);
        AutoCloseable listener = store.listen(event -> onNodeEvent(event, catalog, rules, quotaCache, keys, limiter));
        Admin admin = new Admin(store, keys, "admin-api", id -> {
            quotaCache.invalidate(id);
            limiter.invalidate(id);
        }, catalog::refresh);
        RoutingAdmin routingAdmin = new RoutingAdmin(store, catalog::find, rules::refresh, "admin-api");
        int released = store.releaseExpired(Instant.now());
        if (released > 0) {
            LOG.info("released {} expired quota reservations", released);
        }
        ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("hpp-background").daemon(true).factory());
        background.scheduleWithFixedDelay(Background.guarded("catalog refresh", catalog::refresh), 15, 15, TimeUnit.SECONDS);
        background.scheduleWithFixedDelay(Background.guarded("rules refresh", rules::refresh), 1, 1, TimeUnit.SECONDS);
        background.scheduleWithFixedDelay(Background.guarded("stored responses sweep",
                () -> store.deleteExpiredResponses(System.currentTimeMillis())), 1, 60, TimeUnit.MINUTES);
        // hourly totals for the operators' statistics: a month missed (an upgrade) is caught up 200 hours a minute
        background.scheduleWithFixedDelay(Background.guarded("stats rollup", () -> store.stats().rollUp(Instant.now(), 200)),
                5, 60, TimeUnit.SECONDS);
        long sweep = config.sweepInterval().toMillis();
        background.scheduleWithFixedDelay(Background.guarded("hold sweep", () -> store.releaseExpired(Instant.now())), sweep, sweep,
                TimeUnit.MILLISECONDS);

        Providers providers = ProviderWiring.providers(config);
        PromptTokens promptTokens = new PromptTokens();
        SmartRouter smartRouter = new SmartRouter(rules, catalog, promptTokens::estimate, p -> providers.find(p).isPresent());
        Metrics metrics = new Metrics(config.edge().metricsConsumerLabels());
        providers.upstreams().forEach(u -> metrics.upstreamConnections(u.provider(), u::openConnections, u::idleConnections));
        SetAsideFile setAside = new SetAsideFile(config.setAsideFile());
        // before serving: what this node's earlier life (or a dead peer) journaled but never committed is settled first
        SettlementJournal journal = SettlementJournal.open(config.journalDir(), store.databaseId());
        int replayed = journal.replayOrphans(store);
        if (replayed > 0) {
            LOG.warn("settled {} requests from the journal of a node that stopped before committing them", replayed);
        }
        background.scheduleWithFixedDelay(Background.guarded("journal housekeeping", () -> {
            journal.tidy();
            journal.replayOrphans(store);
        }), 5, 5, TimeUnit.SECONDS);
        SettlementWriter log = new SettlementWriter(store, batch -> batch.forEach(s -> quotaCache.invalidate(s.entry().consumerId())),
                metrics, model -> catalog.find(model).map(io.hpp.router.value.Model::provider).orElse("none"), setAside,
                Optional.of(journal));
        QuotaLedger ledger = new QuotaLedger(store, config.overflowPolicy(), config.reservationTtl(), log, metrics::settlementOverHold);
        RouterConfig.Resilience resilience = config.resilience();
        CircuitBreakers[] breakers = new CircuitBreakers[1];
        breakers[0] = new CircuitBreakers(resilience.circuitFailures(), resilience.circuitWindow(), resilience.circuitCooldown(),
                target -> metrics.circuit(target, () -> switch (breakers[0].state(target)) {
                    case CLOSED -> 0;
                    case HALF_OPEN -> 0.5;
                    case OPEN -> 1;
                }));
        ChatService chat = new ChatService(catalog, smartRouter, providers, ledger, new TokenEstimator(promptTokens), breakers[0], resilience,
                metrics::fallback, limiter);
        ImageService images = new ImageService(catalog, providers, ledger, limiter);
        WebServer server = RouterServer.start(config, new RouterServer.Services(store, keys, catalog, quotaCache, admin, chat,
                smartRouter, routingAdmin, images, metrics, config.providers().keySet(), setAside, journal::failure));
        HelidonPatch.problem().ifPresent(problem -> LOG.error("{}", problem));
        Tokenizer.warmUp();
        return new App(store, server, background, providers, log, journal, listener, serveLock);
    }

    /** Another node (or the CLI) changed something this node caches. */
    private static void onNodeEvent(String event, ModelCatalog catalog, ActiveRules rules, QuotaCache quotaCache, ApiKeys keys,
                                    RateLimiter limiter) {
        int colon = event.indexOf(':');
        String kind = colon < 0 ? event : event.substring(0, colon);
        String id = colon < 0 ? "" : event.substring(colon + 1);
        switch (kind) {
            case "quota" -> {
                quotaCache.invalidate(id);
                limiter.invalidate(id);
            }
            case "key" -> keys.invalidate(id);
            case "rules" -> rules.refresh();
            case "catalog" -> catalog.refresh();
            case "resync" -> {
                quotaCache.invalidateAll();
                limiter.invalidateAll();
                keys.invalidateAll();
                rules.refresh();
                catalog.refresh();
            }
            default -> LOG.info("ignoring unknown cross-node event '{}'", event);
        }
    }

    /** Opens the database, migrates it, and seeds the default catalog on first start. */
    public static Store openStore(RouterConfig config) {
        Dialect dialect = Dialect.of(config.dbUrl());
        Store store = new JdbcStore(Database.open(config), dialect,
                dialect == Dialect.POSTGRES ? Optional.of(Database.openHoldPool(config)) : Optional.empty());
        if (store.seedModels(DefaultCatalog.models())) {
            LOG.info("seeded the default model catalog");
        }
        return store;
    }

    public int port() {
        return server.port();
    }

    public Store store() {
        return store;
    }

    @Override
    public void close() {
        server.stop();
        background.shutdownNow();
        log.close();
        journal.close();
        providers.close();
        try {
            listener.close();
        } catch (Exception e) {
            LOG.warn("closing the cross-node listener: {}", e.getMessage());
        }
        store.close();
        serveLock.ifPresent(ServeLock::close);
    }
}
