#!/usr/bin/env bash
# Installs the coding agents the end-to-end tests drive (tools/agents/package.json pins them; package-lock.json fixes
# every byte) into tools/agents/node_modules. Does nothing when every pinned version is already there, so the test
# command can call it every time (measured: ~20 ms when installed; a fresh install downloads ~800 MB, ~15-60 s).
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# package, then the file the tests run (Codex's npm package is a node launcher; the tests run the native binary that
# the optional dependency @openai/codex-linux-x64, an alias of @openai/codex@<version>-linux-x64, brings)
AGENTS=(
  "@anthropic-ai/claude-code" "node_modules/.bin/claude"
  "@openai/codex" "node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex"
)

# the version package.json pins and the one node_modules holds, read with sed (node is not needed to compare);
# a missing file reads as "" (not an error: that is the fresh-machine case)
version_in() { [ -f "$1" ] && sed -n "s|^ *\"${2}\": *\"\([^\"]*\)\".*|\1|p" "$1" | head -n 1 || true; }

# prints "package@wanted (found: …)" for each agent that is not installed at its pinned version; fails when one is not pinned
missing() {
  local i pkg bin wanted installed
  for ((i = 0; i < ${#AGENTS[@]}; i += 2)); do
    pkg="${AGENTS[i]}" bin="${AGENTS[i + 1]}"
    wanted="$(version_in "$DIR/package.json" "$pkg")"
    [ -n "$wanted" ] || { echo "tools/agents/install.sh: no $pkg version pinned in $DIR/package.json" >&2; exit 1; }
    installed="$(version_in "$DIR/node_modules/$pkg/package.json" version)"
    if [ ! -x "$DIR/$bin" ] || [ "$installed" != "$wanted" ]; then
      echo "$pkg@$wanted (found: ${installed:-none}, $bin $([ -x "$DIR/$bin" ] && echo present || echo missing))"
    fi
  done
}

todo="$(missing)"
[ -n "$todo" ] || exit 0
command -v npm >/dev/null 2>&1 || {
  echo "tools/agents/install.sh: npm is required to install the pinned agents for the tests; install Node.js and npm (apt-get install nodejs npm). Missing:" >&2
  echo "$todo" >&2
  exit 1
}
echo "tools/agents/install.sh: installing into $DIR/node_modules:" >&2
echo "$todo" >&2
# Claude Code wants node >= 22 but runs a native binary (node is only the installer): the engine warning is harmless
npm ci --prefix "$DIR" --no-audit --no-fund --loglevel=error >&2
todo="$(missing)"
if [ -n "$todo" ]; then
  echo "tools/agents/install.sh: npm ci finished but these are still not installed as pinned:" >&2
  echo "$todo" >&2
  exit 1
fi
