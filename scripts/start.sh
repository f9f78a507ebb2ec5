#!/usr/bin/env bash
# The README's "main job": install, build, and open the sample workspace (sample/) with the extension loaded.
#   - VS Code desktop (`code` on PATH): opens sample/ in an Extension Development Host window.
#   - otherwise: installs the bundled code-server harness (e2e/install.sh: apt packages + npm, as root or
#     with sudo) and serves VS Code 1.100.3 on http://127.0.0.1:$PORT with the extension installed, until Ctrl+C.
# Env: PORT (default 8080; a free port is picked if it is taken), PC_USE_CODE_SERVER=1 (ignore `code`),
#      PC_STATE (code-server profile folder, default .tmp/code-server; delete it to start afresh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { printf '\n== %s\n' "$*"; }

# 1) dependencies: npm ci only when package-lock.json changed since the last install
STAMP="node_modules/.pixel-classifier-install-stamp"
LOCKHASH="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$LOCKHASH" ]; then
  say "Installing npm dependencies"
  npm ci --no-audit --no-fund
  echo "$LOCKHASH" > "$STAMP"
fi

# 2) build
say "Building the extension"
node esbuild.mjs
[ -f sample/cells.tif ] || node scripts/makeSample.mjs

# 3a) VS Code desktop
if [ -z "${PC_USE_CODE_SERVER:-}" ] && command -v code >/dev/null 2>&1; then
  say "Opening sample/ in VS Code with the extension loaded (Extension Development Host)"
  exec code --new-window --extensionDevelopmentPath="$ROOT" "$ROOT/sample"
fi

# 3b) code-server (VS Code in the browser)
say "VS Code desktop not found: starting the bundled code-server"
bash e2e/install.sh
STATE="${PC_STATE:-$ROOT/.tmp/code-server}"
mkdir -p "$STATE/ext" "$STATE/data/User" "$STATE/xdg-data" "$STATE/xdg-config"
PKG_ID="$(node -p "const p=require('./package.json'); p.publisher + '.' + p.name + '-' + p.version")"
# The extension is "installed" as a link to this checkout: rebuild (npm run build) + "Developer: Reload Window" picks up changes.
ln -sfn "$ROOT" "$STATE/ext/$PKG_ID"
[ -f "$STATE/data/User/settings.json" ] || cat > "$STATE/data/User/settings.json" <<'JSON'
{
 "workbench.startupEditor": "none",
 "security.workspace.trust.enabled": false,
 "extensions.autoCheckUpdates": false,
 "extensions.autoUpdate": false,
 "telemetry.telemetryLevel": "off",
 "update.mode": "none",
 "git.openRepositoryInParentFolders": "never"
}
JSON
printf 'auth: none\ncert: false\n' > "$STATE/config.yaml"

PORT="${PORT:-8080}"
if ! node -e "const s=require('net').createServer().once('error',()=>process.exit(1)).listen($PORT,'127.0.0.1',()=>s.close())"; then
  PORT="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
fi
URL="http://127.0.0.1:$PORT/?folder=$ROOT/sample"
say "Pixel Classifier in VS Code (code-server 4.100.3) — open this URL in a browser (Ctrl+C stops the server):"
echo "    $URL"
echo "    then open cells.tif from the Explorer (or Ctrl+P cells.tif)."
# code-server binds only to 127.0.0.1 (auth none is safe there); on a remote machine use ssh -L $PORT:127.0.0.1:$PORT.
exec env XDG_DATA_HOME="$STATE/xdg-data" XDG_CONFIG_HOME="$STATE/xdg-config" \
  node e2e/node_modules/code-server/out/node/entry.js \
  --config "$STATE/config.yaml" --auth none --bind-addr "127.0.0.1:$PORT" \
  --disable-telemetry --disable-update-check --disable-workspace-trust \
  --extensions-dir "$STATE/ext" --user-data-dir "$STATE/data" "$ROOT/sample"
