package io.hpp.router.dialect;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Codex CLI, pinned in {@code tools/agents} (installed by {@code tools/agents/install.sh}), run once as
 * {@code codex exec}: a throw-away CODEX_HOME whose config.toml names the router as a custom provider speaking the
 * Responses API, no environment of the machine's own, stdin from /dev/null (with a pipe, {@code codex exec} waits for
 * its EOF), plugins and analytics off so that nothing but the router is called (docs/research/codex-offline.md).
 */
final class CodexCli {
    /**
     * The native binary the optional dependency {@code @openai/codex-linux-x64} brings; {@code node_modules/.bin/codex}
     * is a node launcher for it, run directly so the test needs no node and kills the process that does the work.
     */
    static final Path BINARY = Path.of(System.getProperty("user.dir"), "tools", "agents", "node_modules", "@openai", "codex-linux-x64",
            "vendor", "x86_64-unknown-linux-musl", "bin", "codex");
    /** The env var config.toml's env_key names: Codex sends its value as {@code Authorization: Bearer}. */
    static final String KEY_VARIABLE = "HPP_ROUTER_KEY";
    /** A 2-turn run takes 1.2-2 s on an idle machine (docs/research/codex-offline.md); 2 cores shared by 5 builds are slower. */
    private static final long TIMEOUT_SECONDS = 120;

    /** What one run printed: its exit code, stdout (only the final assistant text) and stderr (the transcript). */
    record Run(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private CodexCli() {
    }

    /** Fails (does not skip) when the binary is missing: a suite that silently skips its end-to-end test proves nothing. */
    static void requireInstalled() {
        if (!Files.isExecutable(BINARY)) {
            fail("Codex is not installed at " + BINARY + ": run tools/agents/install.sh (./hpp-router test does it)");
        }
    }

    /**
     * The config.toml of a custom provider at {@code baseUrl} (the router's {@code /llm/v1}): no retries, so a failed
     * call fails the run at once instead of 30 requests over ~25 s that would also hide the router's error.
     */
    static String config(String model, String baseUrl) {
        return """
                model = "%s"
                model_provider = "hpp"

                [model_providers.hpp]
                name = "HPP Router"
                base_url = "%s"
                env_key = "%s"
                wire_api = "responses"
                request_max_retries = 0
                stream_max_retries = 0

                [features]
                plugins = false

                [analytics]
                enabled = false
                """.formatted(model, baseUrl, KEY_VARIABLE);
    }

    /**
     * Runs {@code codex exec --skip-git-repo-check prompt} in {@code work} with {@code home} (holding config.toml) as
     * CODEX_HOME and {@code key} in {@link #KEY_VARIABLE}; kills it (and what it started) after the timeout.
     */
    static Run run(Path home, Path work, String prompt, String key) throws IOException, InterruptedException {
        requireInstalled();
        Path stdout = home.resolveSibling("codex.stdout");
        Path stderr = home.resolveSibling("codex.stderr");
        ProcessBuilder pb = new ProcessBuilder(List.of(BINARY.toString(), "exec", "--skip-git-repo-check", prompt))
                .directory(work.toFile()).redirectInput(new File("/dev/null"))
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        Map<String, String> e = pb.environment();
        e.clear();
        e.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        e.put("HOME", home.toString());
        e.put("CODEX_HOME", home.toString());
        e.put("LANG", "C.UTF-8");
        e.put("NO_PROXY", "127.0.0.1,localhost");
        e.put(KEY_VARIABLE, key);
        Process p = pb.start();
        boolean ended = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        Run run = new Run(ended ? p.exitValue() : -1, Files.readString(stdout), Files.readString(stderr));
        if (!ended) {
            fail("Codex did not finish within " + TIMEOUT_SECONDS + " s and was killed:\n" + run);
        }
        return run;
    }
}
