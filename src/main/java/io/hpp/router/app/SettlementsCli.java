package io.hpp.router.app;

import io.hpp.router.billing.SetAsideFile;
import io.hpp.router.common.Json;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code settlements replay}: settles again what the database once refused and the router set aside. */
@Command(mixinStandardHelpOptions = true, name = "settlements", description = "Replay settlements the database refused and the router set aside.",
        subcommands = {SettlementsCli.Replay.class})
final class SettlementsCli {
    @ParentCommand
    Main main;

    @Command(mixinStandardHelpOptions = true, name = "replay",
            description = "Settle each set-aside settlement again; those still refused stay in the file. Never charges twice.")
    static final class Replay implements Runnable {
        @ParentCommand
        SettlementsCli parent;
        @Option(names = "--file", description = "The set-aside file (default: settlements.set_aside_file of the configuration)")
        Path file;

        @Override
        public void run() {
            Cli.withStore(parent.main, store -> {
                SetAsideFile setAside = new SetAsideFile(file != null ? file : parent.main.config().setAsideFile());
                SetAsideFile.Replay r = setAside.replay(store);
                return Json.object().put("settled", r.settled()).put("already_settled", r.alreadySettled()).put("kept", r.kept()).put("file", setAside.path().toString());
            });
        }
    }
}
