#!/bin/bash
# Installs code-server from the npm registry alone (no GitHub downloads) into
# DIR, for the VS Code end-to-end test. Idempotent: a finished install leaves
# DIR/.installed-VERSION and is not repeated.
#
# usage: install-code-server.sh DIR [VERSION]
#
# Why by hand: code-server's postinstall fetches ripgrep from api.github.com
# (unreachable in CI), refuses to run as root without --unsafe-perm, and
# node-pty's install step runs `npx node-gyp`, which a `yes=false` npmrc
# blocks. So: install with --ignore-scripts, rebuild the native modules
# ourselves, and take ripgrep from Debian.
# 4.100.3 is the last code-server release that runs on Node 20.
set -euo pipefail
DIR=${1:?usage: install-code-server.sh DIR [VERSION]}
VER=${2:-4.100.3}
STAMP=$DIR/.installed-$VER
[ -f "$STAMP" ] && { echo "code-server $VER already in $DIR"; exit 0; }

export npm_config_yes=true
export npm_config_nodedir=${npm_config_nodedir:-/usr}
export npm_config_update_notifier=false
command -v rg >/dev/null || { echo "ripgrep (rg) is required" >&2; exit 1; }

mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts "code-server@$VER"
npm rebuild argon2

V=node_modules/code-server/lib/vscode
(cd "$V" && npm install --omit=dev --ignore-scripts --no-audit --no-fund)

# Every dependency of VS Code that has an install step or a binding.gyp,
# except @vscode/ripgrep (its install step is the GitHub download).
MODS=$(cd "$V" && node -e '
const fs = require("fs"), p = require("path");
const names = fs.readdirSync("node_modules").flatMap(d =>
  d.startsWith("@") ? fs.readdirSync(p.join("node_modules", d)).map(x => d + "/" + x) : [d]);
const out = [];
for (const d of names) {
  const dir = p.join("node_modules", d);
  let j;
  try { j = JSON.parse(fs.readFileSync(p.join(dir, "package.json"), "utf8")); } catch { continue; }
  const s = j.scripts || {};
  if (d !== "@vscode/ripgrep" && (s.install || s.postinstall || s.preinstall || fs.existsSync(p.join(dir, "binding.gyp"))))
    out.push(d);
}
console.log(out.join(" "));')
echo "rebuilding native modules: $MODS"
# shellcheck disable=SC2086
(cd "$V" && npm rebuild $MODS)

mkdir -p "$V/node_modules/@vscode/ripgrep/bin"
ln -sf "$(command -v rg)" "$V/node_modules/@vscode/ripgrep/bin/rg"

# The remaining steps of code-server's own postinstall.sh.
(cd "$V/extensions" && npm install --omit=dev --no-audit --no-fund)
(cd "$V" && ln -sfn node_modules node_modules.asar)
(cd "$V/bin/remote-cli" && ln -sf code-linux.sh code-server)
(cd "$V/bin/helpers" && ln -sf browser-linux.sh browser.sh)

touch "$STAMP"
echo "code-server $VER installed in $DIR"
