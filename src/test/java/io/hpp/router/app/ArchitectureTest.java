package io.hpp.router.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The architecture's summary, checked on the compiled main classes (docs/ARCHITECTURE.md draws the same picture):
 * <pre>
 *   app                              wiring: Main, App, the CLI, the adapters built
 *   http                             Helidon routes, auth, the error envelope
 *   dialect                          other client dialects (Anthropic Messages) translated to and from chat
 *   images → chat, admin             the pipelines and the operators' operations
 *   routing, billing, provider(+adapters)
 *   catalog, auth, observe
 *   upstream, store                  the HTTP/1.1 client for providers, the database
 *   wire                             the OpenAI wire format the gateway reads and writes
 *   config, value, common            start-up configuration, value records, shared helpers
 * </pre>
 * A layer uses only layers below it; the few uses within a row are named. Each package's {@code package-info.java}
 * says the same in words.
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.hpp.router");

    private static final String[] ABOVE_STORE = {"app", "http", "images", "admin", "chat", "routing", "billing", "catalog", "auth",
            "observe"};

    @Test
    void layersPointOneWay() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("app").definedBy("io.hpp.router.app..")
                .layer("http").definedBy("io.hpp.router.http..")
                .layer("dialects").definedBy("io.hpp.router.dialect..")
                .layer("images").definedBy("io.hpp.router.images..")
                .layer("admin").definedBy("io.hpp.router.admin..")
                .layer("chat").definedBy("io.hpp.router.chat..")
                .layer("adapters").definedBy("io.hpp.router.provider.openai..", "io.hpp.router.provider.anthropic..")
                .layer("routing").definedBy("io.hpp.router.routing..")
                .layer("billing").definedBy("io.hpp.router.billing..")
                .layer("provider").definedBy("io.hpp.router.provider")
                .layer("catalog").definedBy("io.hpp.router.catalog..")
                .layer("auth").definedBy("io.hpp.router.auth..")
                .layer("observe").definedBy("io.hpp.router.observe..")
                .layer("upstream").definedBy("io.hpp.router.upstream..")
                .layer("store").definedBy("io.hpp.router.store..")
                .layer("wire").definedBy("io.hpp.router.wire..")
                .layer("config").definedBy("io.hpp.router.config..")
                .layer("value").definedBy("io.hpp.router.value..")
                .layer("common").definedBy("io.hpp.router.common..")
                .whereLayer("app").mayNotBeAccessedByAnyLayer()
                .whereLayer("http").mayOnlyBeAccessedByLayers("app")
                // the dialects the router serves besides OpenAI chat, translated to and from chat at the edge
                .whereLayer("dialects").mayOnlyBeAccessedByLayers("app", "http")
                .whereLayer("images").mayOnlyBeAccessedByLayers("app", "http")
                .whereLayer("admin").mayOnlyBeAccessedByLayers("app", "http")
                // images builds on chat's request record and client channel
                .whereLayer("chat").mayOnlyBeAccessedByLayers("app", "http", "images")
                // only the wiring knows the adapters; the pipelines know providers by their contract
                .whereLayer("adapters").mayOnlyBeAccessedByLayers("app")
                .whereLayer("routing").mayOnlyBeAccessedByLayers("app", "http", "images", "admin", "chat")
                .whereLayer("billing").mayOnlyBeAccessedByLayers("app", "http", "images", "admin", "chat")
                .whereLayer("provider").mayOnlyBeAccessedByLayers("app", "http", "images", "admin", "chat", "adapters")
                .whereLayer("catalog").mayOnlyBeAccessedByLayers("app", "http", "images", "admin", "chat", "routing", "billing")
                .whereLayer("auth").mayOnlyBeAccessedByLayers("app", "http", "admin")
                .whereLayer("observe").mayOnlyBeAccessedByLayers("app", "http", "images", "admin", "chat", "billing")
                .whereLayer("upstream").mayOnlyBeAccessedByLayers("app", "http", "images", "chat", "adapters", "provider")
                .whereLayer("store").mayOnlyBeAccessedByLayers(ABOVE_STORE)
                .whereLayer("wire").mayOnlyBeAccessedByLayers("app", "http", "dialects", "images", "admin", "chat", "adapters", "routing",
                        "billing", "provider", "upstream")
                .whereLayer("config").mayOnlyBeAccessedByLayers("app", "http", "images", "admin", "chat", "adapters", "routing",
                        "billing", "provider", "catalog", "auth", "observe", "upstream", "store")
                .whereLayer("value").mayOnlyBeAccessedByLayers("app", "http", "dialects", "images", "admin", "chat", "adapters", "routing",
                        "billing", "provider", "catalog", "auth", "observe", "upstream", "store", "wire")
                .whereLayer("common").mayOnlyBeAccessedByLayers("app", "http", "dialects", "images", "admin", "chat", "adapters", "routing",
                        "billing", "provider", "catalog", "auth", "observe", "upstream", "store", "wire", "config", "value")
                .check(MAIN);
    }

    @Test
    void noPackageImportsAnotherThatImportsItBack() {
        slices().matching("io.hpp.router.(**)").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void onlyTheHttpPackageAndTheWiringTouchHelidon() {
        noClasses().that().resideOutsideOfPackages("io.hpp.router.http..", "io.hpp.router.app..")
                .should().dependOnClassesThat().resideInAPackage("io.helidon..")
                .because("the pipelines talk to clients through chat.ClientChannel; Helidon is the http package's business")
                .check(MAIN);
    }

    @Test
    void onlyTheStoreTalksToTheDatabase() {
        noClasses().that().resideOutsideOfPackages("io.hpp.router.store..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "com.zaxxer..", "org.flywaydb..",
                        "org.postgresql..", "org.sqlite..")
                .check(MAIN);
    }

    @Test
    void upstreamInternalsStayInTheirPackage() {
        noClasses().that().resideOutsideOfPackage("io.hpp.router.upstream..")
                .should().dependOnClassesThat().haveSimpleNameStartingWith("HttpConnection")
                .orShould().dependOnClassesThat().haveSimpleNameStartingWith("ConnectionPool")
                .orShould().dependOnClassesThat().haveSimpleNameStartingWith("HttpBodies")
                .check(MAIN);
    }

    @Test
    void valuesAndTheWireFormatDoNoIo() {
        noClasses().that().resideInAnyPackage("io.hpp.router.value..", "io.hpp.router.wire..", "io.hpp.router.common..")
                .should().dependOnClassesThat().resideInAnyPackage("java.net..", "java.nio.channels..", "java.sql..")
                .check(MAIN);
    }
}
