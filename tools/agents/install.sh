#!/usr/bin/env bash
# Installs the coding agents the end-to-end tests drive (tools/agents/package.json pins them; package-lock.json fixes
# every byte) into tools/agents/node_modules. Does nothing when the pinned version is already there, so the test
# command can call it every time (measured: ~20 ms when installed; a fresh install downloads ~400 MB, ~5-30 s).
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PKG=@anthropic-ai/claude-code

# the version package.json pins and the one node_modules holds, read with sed (node is not needed to compare);
# a missing file reads as "" (not an error: that is the fresh-machine case)
version_in() { [ -f "$1" ] && sed -n "s|^ *\"${2}\": *\"\([^\"]*\)\".*|\1|p" "$1" | head -n 1 || true; }
wanted="$(version_in "$DIR/package.json" "$PKG")"
installed="$(version_in "$DIR/node_modules/$PKG/package.json" version)"
[ -n "$wanted" ] || { echo "tools/agents/install.sh: no $PKG version pinned in $DIR/package.json" >&2; exit 1; }

if [ -x "$DIR/node_modules/.bin/claude" ] && [ "$installed" = "$wanted" ]; then
  exit 0
fi
command -v npm >/dev/null 2>&1 || {
  echo "tools/agents/install.sh: npm is required to install $PKG@$wanted for the tests; install Node.js and npm (apt-get install nodejs npm)" >&2
  exit 1
}
echo "tools/agents/install.sh: installing $PKG@$wanted (was: ${installed:-none}) into $DIR/node_modules ..." >&2
# the package wants node >= 22 but runs a native binary (node is only the installer): the engine warning is harmless
npm ci --prefix "$DIR" --no-audit --no-fund --loglevel=error >&2
installed="$(version_in "$DIR/node_modules/$PKG/package.json" version)"
if [ ! -x "$DIR/node_modules/.bin/claude" ] || [ "$installed" != "$wanted" ]; then
  echo "tools/agents/install.sh: npm ci finished but $DIR/node_modules/.bin/claude is not $PKG@$wanted (found: ${installed:-nothing})" >&2
  exit 1
fi
