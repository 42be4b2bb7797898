package io.hpp.router.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hpp.router.admin.Admin;
import io.hpp.router.admin.AdminViews;
import io.hpp.router.common.Json;
import io.hpp.router.store.AuditEntry;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code audit}: the administrative changes, newest first, as {@code GET /admin/v1/audit} pages them. */
@Command(mixinStandardHelpOptions = true, name = "audit", description = "Show administrative changes, newest first.")
final class AuditCli implements Runnable {
    @ParentCommand
    Main main;
    @Option(names = "--target", description = "Only changes to this: consumer:<id>, key:<id>, model:<id>, ruleset:<version>")
    String target;
    @Option(names = "--limit", description = "How many entries (1 to 500)", defaultValue = "100")
    int limit;
    @Option(names = "--cursor", description = "The next_cursor of the previous page")
    String cursor;

    @Override
    public void run() {
        Cli.exec(main, a -> {
            Admin.Page<AuditEntry> page = a.audit(Optional.ofNullable(target), Optional.ofNullable(cursor), limit);
            ObjectNode n = Json.object();
            ArrayNode data = n.putArray("data");
            page.items().forEach(e -> data.add(AdminViews.audit(e)));
            n.put("next_cursor", page.nextCursor().orElse(null));
            return n;
        });
    }
}
