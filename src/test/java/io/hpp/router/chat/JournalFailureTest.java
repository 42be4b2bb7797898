package io.hpp.router.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpp.router.testing.FakeProvider;
import io.hpp.router.testing.OpenAiWire;
import io.hpp.router.testing.TestRouter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A journal that cannot be written (its segment is /dev/full: every write fails with ENOSPC, as on a full disk): the
 * answer it could not record is withheld, later requests are refused before any provider call, /readyz says so, and
 * all of it ends once the journal can be written again.
 */
class JournalFailureTest extends ChatTestBase {

    /** Makes the node's next journal segments a full disk, until {@link #freeTheDisk}. */
    private Path fillTheDisk() throws IOException {
        Path root = router.dataDir().resolve("journal");
        Path node;
        try (Stream<Path> dirs = Files.list(root)) {
            node = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        for (int i = 1; i <= 50; i++) {
            Files.createSymbolicLink(node.resolve(String.format("%08d.jsonl", i)), Path.of("/dev/full"));
        }
        return node;
    }

    private static void freeTheDisk(Path node) throws IOException {
        try (Stream<Path> files = Files.list(node)) {
            for (Path f : files.filter(Files::isSymbolicLink).toList()) {
                Files.delete(f);
            }
        }
    }

    @Test
    void anAnswerThatCannotBeRecordedIsWithheldAndTheNodeFailsClosedUntilTheJournalRecovers() throws Exception {
        TestRouter.Customer c = router.customer("5");
        fake.always(FakeProvider.json(200, OpenAiWire.completion("gpt-5", "ok", 20, 5, 0)));
        Path node = fillTheDisk();

        TestRouter.Reply withheld = chat(c.key(), body("openai/gpt-5", ""));
        assertThat(withheld.status()).isEqualTo(503);
        assertThat(withheld.json().get("error").asText()).isEqualTo("journal_unavailable");
        assertThat(fake.received()).as("the provider had answered").hasSize(1);

        TestRouter.Reply refused = chat(c.key(), body("openai/gpt-5", ""));
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().get("error").asText()).isEqualTo("journal_unavailable");
        assertThat(fake.received()).as("refused before any provider call").hasSize(1);
        TestRouter.Reply ready = router.get("/readyz", Map.of());
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().at("/checks/journal").asText()).contains("cannot be written");
        // the provider was paid for the withheld answer: the consumer is charged for it, as for a client that left
        assertThat(log(c.id())).filteredOn(e -> e.cost().isPositive()).hasSize(1);
        assertLedgerBalanced(c.id());

        // room on the disk again: housekeeping (every 5 s) opens the next segment, which the disk takes
        freeTheDisk(node);
        long deadline = System.currentTimeMillis() + 15_000;
        while (router.get("/readyz", Map.of()).status() != 200 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(router.get("/readyz", Map.of()).json().at("/checks/journal").asText()).isEqualTo("ok");
        assertThat(chat(c.key(), body("openai/gpt-5", "")).status()).isEqualTo(200);
    }

    @Test
    void aStreamWhoseSettlementCannotBeRecordedEndsWithAnErrorInsteadOfDone() throws Exception {
        TestRouter.Customer c = router.customer("5");
        fake.enqueue(fake.sse(0, OpenAiWire.textStream("gpt-5", List.of("o", "k"), 20, 5)));
        fillTheDisk();
        StreamReply r = stream(c.key(), body("openai/gpt-5", ",\"stream\":true"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(String.join("\n", r.data())).contains("\"content\":\"o\"").contains("journal_unavailable").doesNotContain("[DONE]");
        assertLedgerBalanced(c.id());
    }
}
