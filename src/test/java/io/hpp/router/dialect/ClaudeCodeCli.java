package io.hpp.router.dialect;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpp.router.common.Json;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Claude Code CLI, pinned in {@code tools/agents} (installed by {@code tools/agents/install.sh}), run once in
 * print mode: a throw-away HOME, no environment of the machine's own (no stray ANTHROPIC_* or proxy variables), stdin
 * from /dev/null, non-essential traffic (telemetry, feature flags) off so that nothing but the router is called.
 */
final class ClaudeCodeCli {
    static final Path BINARY = Path.of(System.getProperty("user.dir"), "tools", "agents", "node_modules", ".bin", "claude");
    /** A 2-turn run takes 1-3 s on an idle machine and 8-12 s with 5 in parallel on 2 cores (docs/research/claude-code-offline.md). */
    private static final long TIMEOUT_SECONDS = 120;

    /** What one run printed: its exit code, stdout (one JSON object with --output-format json) and stderr. */
    record Run(int exit, String stdout, String stderr) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(stdout);
            } catch (IOException e) {
                throw new AssertionError("Claude Code did not print one JSON object:\n" + this, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private ClaudeCodeCli() {
    }

    /** Fails (does not skip) when the binary is missing: a suite that silently skips its end-to-end test proves nothing. */
    static void requireInstalled() {
        if (!Files.isExecutable(BINARY)) {
            fail("Claude Code is not installed at " + BINARY + ": run tools/agents/install.sh (./hpp-router test does it)");
        }
    }

    /**
     * Runs {@code claude -p prompt --output-format json --tools Read} in {@code work}, with {@code home} as HOME and
     * {@code env} added; kills it (and what it started) after the timeout.
     */
    static Run run(Path home, Path work, String prompt, Map<String, String> env) throws IOException, InterruptedException {
        requireInstalled();
        ProcessBuilder pb = new ProcessBuilder(List.of(BINARY.toString(), "-p", prompt, "--output-format", "json", "--tools", "Read"))
                .directory(work.toFile()).redirectInput(new File("/dev/null"))
                .redirectOutput(home.resolveSibling("claude.stdout").toFile()).redirectError(home.resolveSibling("claude.stderr").toFile());
        Map<String, String> e = pb.environment();
        e.clear();
        e.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        e.put("HOME", home.toString());
        e.put("LANG", "C.UTF-8");
        e.put("NO_PROXY", "127.0.0.1,localhost");
        e.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        // a failed call fails the run at once: Claude Code would retry 401/429/5xx 10 times over ~200 s, past the timeout,
        // and a retry would hide a router error the test should see
        e.put("CLAUDE_CODE_MAX_RETRIES", "0");
        e.putAll(env);
        Process p = pb.start();
        boolean ended = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        Run run = new Run(ended ? p.exitValue() : -1, Files.readString(home.resolveSibling("claude.stdout")),
                Files.readString(home.resolveSibling("claude.stderr")));
        if (!ended) {
            fail("Claude Code did not finish within " + TIMEOUT_SECONDS + " s and was killed:\n" + run);
        }
        return run;
    }
}
