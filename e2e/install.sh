#!/usr/bin/env bash
# Installs everything the code-server e2e harness needs: Debian packages (Chromium + the build
# dependencies of code-server's native modules), a seeded ripgrep download cache, and `npm ci` of
# e2e/package-lock.json (code-server 4.100.3 + playwright-core). Idempotent: apt is skipped when the
# packages are present, npm ci is skipped when e2e/node_modules matches the lockfile, and a machine-local cache
# of the built node_modules (see 3) spares a second clone the native build.
# Needs only the npm registry and the Debian mirror (no GitHub, no Playwright CDN).
# Usage: bash e2e/install.sh        (root for apt; otherwise the packages must already be there)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export DEBIAN_FRONTEND=noninteractive

# Retries a network-bound command (apt/npm downloads) a few times with a growing pause.
retry() {
  local n=1 max=3
  until "$@"; do
    if ((n >= max)); then echo "install.sh: giving up after $n attempts: $*" >&2; return 1; fi
    echo "install.sh: attempt $n failed, retrying in $((n * 15)) s: $*" >&2
    sleep $((n * 15)); n=$((n + 1))
  done
}

# 1) Debian packages. libkrb5-dev is the one the kerberos module needs (gssapi/gssapi.h); the X11 /
#    xkbfile / libsecret headers are code-server's documented build deps and are cheap.
need=()
for p in build-essential pkg-config python3 libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev chromium; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then
  echo "install.sh: installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  retry $SUDO apt-get update -qq
  retry $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# 2) Skip npm when node_modules was installed from this exact lockfile (npm writes a copy of the
#    resolved tree to node_modules/.package-lock.json; we keep our own stamp of the lockfile hash).
STAMP="$HERE/node_modules/.e2e-install-stamp"
LOCKHASH="$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$LOCKHASH" ] && [ -f "$HERE/node_modules/code-server/out/node/entry.js" ]; then
  echo "install.sh: e2e/node_modules is up to date"
  exit 0
fi

# 3) A machine-local cache of the built e2e/node_modules (317 MB, native modules compiled for this node), keyed by
#    the lockfile and node version: a second clean clone on the same machine copies it in seconds instead of
#    rebuilding for 2–15 min. A fresh machine has no cache and installs from the registry. PC_E2E_CACHE=off disables it.
CACHE_ROOT="${PC_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pixel-classifier-e2e}"
CACHE="$CACHE_ROOT/${LOCKHASH:0:16}-node$(node -v)-$(uname -m)"
if [ "$CACHE_ROOT" != "off" ] && [ -f "$CACHE/complete" ]; then
  echo "install.sh: copying e2e/node_modules from the machine cache $CACHE"
  rm -rf "$HERE/node_modules"
  if cp -a "$CACHE/node_modules" "$HERE/node_modules" && [ -f "$HERE/node_modules/code-server/out/node/entry.js" ]; then
    echo "$LOCKHASH" > "$STAMP"
    exit 0
  fi
  echo "install.sh: the cache copy failed; installing from the registry" >&2
  rm -rf "$HERE/node_modules"
fi

# 4) ripgrep: @vscode/ripgrep@1.15.11 (inside code-server's lib/vscode) downloads rg from GitHub in its
#    postinstall. Seed its download cache with the static rg from the npm package @vscode/ripgrep-linux-x64.
RG_CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
ASSET="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -s "$ASSET" ]; then
  mkdir -p "$RG_CACHE"; t="$(mktemp -d)"
  (cd "$t" && retry npm pack --silent @vscode/ripgrep-linux-x64@1.18.0 >/dev/null && tar xzf vscode-ripgrep-linux-x64-1.18.0.tgz)
  tar czf "$ASSET.tmp" -C "$t/package/bin" rg && mv "$ASSET.tmp" "$ASSET"; rm -rf "$t"
fi

# 5) code-server's postinstall refuses root without npm_config_unsafe_perm=true, and node-pty's
#    postinstall runs `npx node-gyp ...`, which npx cancels without a TTY unless npm_config_yes=true.
#    Native modules (kerberos, spdlog, node-pty, argon2, native-watchdog) build from source: ~2 min.
cd "$HERE"
export npm_config_unsafe_perm=true npm_config_yes=true
retry npm ci --no-audit --no-fund --loglevel=error
echo "$LOCKHASH" > "$STAMP"
if [ "$CACHE_ROOT" != "off" ]; then
  # best effort: a full disk or a read-only HOME must not fail the install
  if mkdir -p "$CACHE_ROOT" && rm -rf "$CACHE.tmp" && mkdir "$CACHE.tmp" && cp -a "$HERE/node_modules" "$CACHE.tmp/node_modules" \
    && touch "$CACHE.tmp/complete" && rm -rf "$CACHE" && mv "$CACHE.tmp" "$CACHE"; then
    echo "install.sh: saved e2e/node_modules to the machine cache $CACHE"
  else
    rm -rf "$CACHE.tmp"; echo "install.sh: could not save the machine cache (ignored)" >&2
  fi
fi
echo "install.sh: e2e harness installed (code-server $(node -p "require('./node_modules/code-server/package.json').version"))"
