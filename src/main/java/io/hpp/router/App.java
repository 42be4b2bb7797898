package io.hpp.router;

import io.hpp.router.admin.Admin;
import io.hpp.router.admin.RoutingAdmin;
import io.hpp.router.routing.ActiveRules;
import io.hpp.router.routing.PromptTokens;
import io.hpp.router.routing.SmartRouter;
import io.hpp.router.auth.ApiKeys;
import io.hpp.router.billing.QuotaCache;
import io.hpp.router.catalog.DefaultCatalog;
import io.hpp.router.billing.QuotaLedger;
import io.hpp.router.catalog.ModelCatalog;
import io.hpp.router.chat.ChatService;
import io.hpp.router.images.ImageService;
import io.hpp.router.observe.RequestLogWriter;
import io.hpp.router.provider.Providers;
import io.hpp.router.routing.TokenEstimator;
import io.hpp.router.config.RouterConfig;
import io.hpp.router.http.RouterServer;
import io.hpp.router.store.Database;
import io.hpp.router.store.Dialect;
import io.hpp.router.store.JdbcStore;
import io.hpp.router.store.Store;
import io.helidon.webserver.WebServer;
import java.time.Instant;
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
    private final RequestLogWriter log;

    private App(Store store, WebServer server, ScheduledExecutorService background, Providers providers, RequestLogWriter log) {
        this.store = store;
        this.server = server;
        this.background = background;
        this.providers = providers;
        this.log = log;
    }

    /** Waits until every finished request is settled in the database. */
    public boolean flushRequestLog(long timeoutMillis) {
        return log.flush(timeoutMillis);
    }

    public static App start(RouterConfig config) {
        Store store = openStore(config);
        ModelCatalog catalog = new ModelCatalog(store);
        QuotaCache quotaCache = new QuotaCache(store::consumer, config.quotaCacheTtl());
        ApiKeys keys = new ApiKeys(store);
        Admin admin = new Admin(store, keys, quotaCache::invalidate, catalog::refresh);
        int released = store.releaseExpired(Instant.now());
        if (released > 0) {
            LOG.info("released {} expired quota reservations", released);
        }
        ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("hpp-background").daemon(true).factory());
        background.scheduleWithFixedDelay(() -> quietly(catalog::refresh), 15, 15, TimeUnit.SECONDS);
        background.scheduleWithFixedDelay(() -> quietly(() -> store.releaseExpired(Instant.now())), 60, 60, TimeUnit.SECONDS);
        Providers providers = Providers.from(config);
        ActiveRules rules = new ActiveRules(store);
        background.scheduleWithFixedDelay(() -> quietly(rules::refresh), 1, 1, TimeUnit.SECONDS);
        SmartRouter smartRouter = new SmartRouter(rules, catalog, new PromptTokens()::estimate, p -> providers.find(p).isPresent());
        RoutingAdmin routingAdmin = new RoutingAdmin(store, catalog::find, rules::refresh);
        RequestLogWriter log = new RequestLogWriter(store, batch -> batch.forEach(s -> quotaCache.invalidate(s.entry().consumerId())));
        QuotaLedger ledger = new QuotaLedger(store, config.overflowPolicy());
        ChatService chat = new ChatService(catalog, smartRouter, providers, ledger, new TokenEstimator(), log);
        ImageService images = new ImageService(catalog, providers, ledger, log);
        WebServer server = RouterServer.start(config, new RouterServer.Services(store, keys, catalog, quotaCache, admin, chat,
                smartRouter, routingAdmin, images));
        return new App(store, server, background, providers, log);
    }

    /** Opens the database, migrates it, and seeds the default catalog on first start. */
    public static Store openStore(RouterConfig config) {
        Store store = new JdbcStore(Database.open(config), Dialect.of(config.dbUrl()));
        if (store.seedModels(DefaultCatalog.models())) {
            LOG.info("seeded the default model catalog");
        }
        return store;
    }

    private static void quietly(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("background task failed: {}", e.getMessage());
        }
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
        providers.close();
        store.close();
    }
}
