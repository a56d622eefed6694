#!/bin/bash
# Editor end-to-end tests: Neovim, Vim + ALE, Emacs + eglot (seconds each)
# and VS Code through code-server in headless Chromium (about a minute, plus
# a few minutes of installs on a fresh machine). Called by .ci/run.
#
# Installs what is missing: apt packages (needs root), code-server and
# playwright-core from npm into $MCPRIV_CACHE (outside the repository, kept
# between runs), the extension's npm dependencies. Exits non-zero on failure.
#
#   MCPRIV_CACHE=/var/cache/mcpriv-ci   install cache (default; ~/.cache/mcpriv when not root)
#   EDITORS_SKIP_VSCODE=1               run only the headless editors
#   MCPRIV_BIN=PATH                     test this binary (default: go build ./cmd/mcpriv)
#   MCPRIV_E2E_ARTIFACTS=DIR            keep VS Code screenshots there (default: a temp dir, printed)
#
#   .ci/editors.sh --install-only       install and build everything the editor tests need, run nothing
#                                       (.ci/run does this, then runs the whole test suite)
set -euo pipefail
install_only=0
[ "${1:-}" = "--install-only" ] && install_only=1
cd "$(dirname "$0")/.."
ROOT=$PWD
export CI=true                 # a missing editor is a failure, not a skip
export npm_config_nodedir=${npm_config_nodedir:-/usr}
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
if [ "$(id -u)" = 0 ]; then CACHE_DEFAULT=/var/cache/mcpriv-ci; else CACHE_DEFAULT=$HOME/.cache/mcpriv; fi
export MCPRIV_CACHE=${MCPRIV_CACHE:-$CACHE_DEFAULT}
CODE_SERVER_VERSION=4.100.3    # the last release on Node 20
PLAYWRIGHT_VERSION=1.65.1
mkdir -p "$MCPRIV_CACHE"
t0=$(date +%s)
say() { echo "== editors [$(( $(date +%s) - t0 ))s] $*"; }

# 1. apt packages, only those missing.
# chromium also serves the HTML report test (cmd/mcpriv TestReportsInBrowser).
pkgs=(neovim vim vim-ale emacs-nox elpa-eglot python3 chromium) # python3: also the scope differential tests (analysis/scope)
[ "${EDITORS_SKIP_VSCODE:-}" = 1 ] || pkgs+=(build-essential python3 pkg-config ripgrep libkrb5-dev libxkbfile-dev libsecret-1-dev curl)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. the server binary, built once for every editor.
#    (MCPRIV_BIN=/path/to/mcpriv tests a given binary instead.)
if [ -z "${MCPRIV_BIN:-}" ]; then
  BIN_DIR=$(mktemp -d)
  trap 'rm -rf "$BIN_DIR"' EXIT
  say "go build ./cmd/mcpriv"
  go build -o "$BIN_DIR/mcpriv" ./cmd/mcpriv
  export MCPRIV_BIN=$BIN_DIR/mcpriv
fi

# 3. the headless editors.
if [ $install_only = 0 ]; then
  say "Neovim, Vim + ALE, Emacs + eglot"
  go test -count=1 -v -run 'TestNeovim|TestVimALE|TestEmacsEglot|TestDocs|TestFixture' ./editors/e2e/
fi

# playwright-core drives Chromium for the VS Code tier and the HTML report
# test, so it is installed even when VS Code is skipped.
if [ ! -d "$MCPRIV_CACHE/playwright/node_modules/playwright-core" ]; then
  say "playwright-core $PLAYWRIGHT_VERSION"
  mkdir -p "$MCPRIV_CACHE/playwright"
  (cd "$MCPRIV_CACHE/playwright" && { [ -f package.json ] || npm init -y >/dev/null; } \
    && npm install --silent "playwright-core@$PLAYWRIGHT_VERSION")
fi

[ "${EDITORS_SKIP_VSCODE:-}" = 1 ] && { say "VS Code skipped (EDITORS_SKIP_VSCODE=1)"; exit 0; }

# 4. VS Code: code-server and playwright-core into the cache, the .vsix with
#    the server and the manifest schema inside.
say "code-server $CODE_SERVER_VERSION"
editors/e2e/vscode/install-code-server.sh "$MCPRIV_CACHE/code-server" "$CODE_SERVER_VERSION" > "$MCPRIV_CACHE/code-server-install.log" 2>&1 \
  || { tail -40 "$MCPRIV_CACHE/code-server-install.log"; exit 1; }
# The .vsix ships this machine's binary, so it is a platform-specific package.
case "$(uname -m)" in x86_64) VSCE_TARGET=linux-x64 ;; aarch64) VSCE_TARGET=linux-arm64 ;; *) VSCE_TARGET=linux-$(uname -m) ;; esac
say "extension: npm ci, package ($VSCE_TARGET)"
(cd editors/vscode && npm ci --silent && npm test --silent \
  && MCPRIV_BUNDLE_BINARY="$MCPRIV_BIN" npm run --silent package -- --target "$VSCE_TARGET")
export MCPRIV_VSIX=$ROOT/editors/vscode/dist/mcpriv.vsix

if [ $install_only = 0 ]; then
  say "VS Code (code-server + headless Chromium)"
  MCPRIV_E2E_VSCODE=1 go test -count=1 -v -timeout 15m -run TestVSCode ./editors/e2e/
fi
say "done"
