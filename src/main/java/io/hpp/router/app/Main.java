package io.hpp.router.app;

import io.hpp.router.common.ApiException;
import io.hpp.router.config.ConfigException;
import io.hpp.router.config.ConfigLoader;
import io.hpp.router.config.RouterConfig;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line: {@code serve} and the administrative commands, all against the configured database. */
@Command(name = "hpp-router", mixinStandardHelpOptions = true, version = "hpp-router 0.1.0",
        description = "OpenAI-compatible LLM gateway with smart routing, prepaid quota and usage accounting.",
        subcommands = {Main.Serve.class, Cli.ConsumerCmd.class, KeysCli.class, Cli.QuotaCmd.class, Cli.ModelCmd.class,
                RulesCli.class, SettlementsCli.class, AuditCli.class})
public final class Main {
    @Option(names = "--config", description = "YAML configuration file (optional; default: ${DEFAULT-VALUE})",
            defaultValue = "${env:HPP_ROUTER_CONFIG:-hpp-router.yaml}", scope = CommandLine.ScopeType.INHERIT)
    Path configFile;

    RouterConfig config() {
        return ConfigLoader.load(Optional.of(configFile), System.getenv());
    }

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling: configuration and admin errors print one line and exit 2. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof ApiException) {
                cmd.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }

    @Command(mixinStandardHelpOptions = true, name = "serve", description = "Run the router.")
    static final class Serve implements Runnable {
        @CommandLine.ParentCommand
        Main main;

        @Override
        public void run() {
            long t0 = System.nanoTime();
            RouterConfig config = main.config();
            App app = App.start(config);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                app.close();
                stopped.countDown();
            }, "hpp-shutdown"));
            System.out.printf("hpp-router listening on http://%s:%d (database %s) — started in %d ms%n",
                    config.host(), app.port(), config.dbUrl(), (System.nanoTime() - t0) / 1_000_000);
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
