#!/usr/bin/env bash
# Runs the e2e tests in a real VS Code (code-server 4.100.3 = VS Code 1.100.3, Debian Chromium, playwright-core):
#   1. installs the harness (e2e/install.sh: apt packages if missing, npm ci of e2e/ — skipped when up to date);
#   2. builds the extension (node esbuild.mjs --production) and packages it as a .vsix with vsce, so
#      .vscodeignore applies exactly as for a user; code-server installs that .vsix into a temporary profile;
#   3. runs every e2e/*.e2e.test.js with node's test runner, one file at a time; screenshots go to e2e-shots/.
#
# Usage: bash e2e/run.sh [test files…]      (default: all e2e/*.e2e.test.js)
# Env:   EXT_INSTALL=copy      skip vsce and copy package.json + dist/ + media/ into the profile (faster locally)
#        E2E_SKIP_BUILD=1      use the existing dist/ as is
#        E2E_TIMEOUT=<s>       hard limit for the test run (default 1500)
#        KEEP=1                keep each test's temp folder (server log, workspace); SHOTS=<dir> screenshot folder
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
step() { printf '\n=== e2e: %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

step "install harness"
bash e2e/install.sh

if [ ! -d node_modules ]; then
  step "npm ci (repo root)"
  npm ci --no-audit --no-fund
fi

if [ -z "${E2E_SKIP_BUILD:-}" ]; then
  step "build extension (production)"
  node esbuild.mjs --production
fi

export SHOTS="${SHOTS:-$ROOT/e2e-shots}"
mkdir -p "$SHOTS"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/pc-e2e-run-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

if [ "${EXT_INSTALL:-vsix}" = "vsix" ]; then
  step "package .vsix (vsce 3.9.2)"
  # --no-dependencies: esbuild bundles every runtime dependency into dist/. --allow-missing-repository and
  # --skip-license keep vsce from prompting (a prompt without a TTY fails the run); --no-rewrite-relative-links
  # keeps README's relative image links as they are (vsce refuses to rewrite them without a repository URL).
  npx --yes @vscode/vsce@3.9.2 package --no-dependencies --allow-missing-repository --skip-license \
    --no-rewrite-relative-links -o "$WORK/pixel-classifier.vsix" | tail -n 20
  export EXT_INSTALL=vsix EXT_VSIX="$WORK/pixel-classifier.vsix"
else
  export EXT_DIR="$ROOT"
fi

step "run e2e tests"
if (($#)); then tests=("$@"); else tests=(e2e/*.e2e.test.js); fi
# --test-concurrency=1: each file starts its own code-server + Chromium (~1 GiB); one at a time on small machines.
timeout "${E2E_TIMEOUT:-1500}" node --test --test-concurrency=1 --test-reporter=spec "${tests[@]}"
echo "e2e screenshots: $SHOTS"
