#!/usr/bin/env bash
# Scans real MCP servers downloaded from the registries into a cache outside
# the repository, and prints per-server counts. Not part of the test run: use
# it to hunt false positives and misses.
#
#   .ci/realworld.sh            scan every server below
#   .ci/realworld.sh --manifest also generate each server's manifest into the cache
#   MCPRIV_REALWORLD=/path      cache directory (default ~/.cache/mcpriv/realworld)
#
# No Python servers: PyPI is not reachable from the build machine. Findings
# and figures from these scans: docs/realworld.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=${MCPRIV_REALWORLD:-$HOME/.cache/mcpriv/realworld}
mkdir -p "$cache/npm" "$cache/src" "$cache/out"
want_manifest=0
[ "${1:-}" = "--manifest" ] && want_manifest=1

npm_servers=(
  @modelcontextprotocol/server-filesystem@2026.8.31
  @modelcontextprotocol/server-everything@2026.8.31
  @modelcontextprotocol/server-memory@2026.8.31
  @modelcontextprotocol/server-sequential-thinking@2026.8.31
  @modelcontextprotocol/server-github@2025.4.8
  @modelcontextprotocol/server-gitlab@2025.4.25
  @modelcontextprotocol/server-puppeteer@2025.5.12
  @modelcontextprotocol/server-postgres@0.6.2
  @modelcontextprotocol/server-slack@2025.4.25
  @modelcontextprotocol/server-brave-search@0.6.2
  @modelcontextprotocol/server-redis@2025.4.25
  @modelcontextprotocol/server-google-maps@0.6.2
  @modelcontextprotocol/server-gdrive@2025.1.14
  @modelcontextprotocol/server-aws-kb-retrieval@0.6.2
  @playwright/mcp@0.0.83
  firecrawl-mcp@3.26.0
  @upstash/context7-mcp@4.1.1
  mcp-server-kubernetes@4.1.7
  @notionhq/notion-mcp-server@2.5.2
  exa-mcp-server@3.4.1
  tavily-mcp@0.2.22
  @executeautomation/playwright-mcp-server@1.0.12
  @benborla29/mcp-server-mysql@2.0.9
  @browserbasehq/mcp-server-browserbase@2.4.3
)
go_servers=(
  github.com/mark3labs/mcp-go@v1.2.1
  github.com/modelcontextprotocol/go-sdk@v1.8.0
  github.com/github/github-mcp-server@v0.20.0
  github.com/mark3labs/mcp-filesystem-server@v0.11.1
  github.com/grafana/mcp-grafana@v1.6.3
)

bin="$cache/mcpriv"
# Teammates edit this checkout while the script runs: when the working tree
# does not build, build the last commit instead (from an exported copy, so
# nobody's files are touched) and say so.
if ! go build -o "$bin" ./cmd/mcpriv 2>"$cache/build.err"; then
  echo "working tree does not build (see $cache/build.err); scanning with HEAD $(git rev-parse --short HEAD)" >&2
  snap=$(mktemp -d)
  trap 'rm -rf "$snap"' EXIT
  git archive HEAD | tar -x -C "$snap"
  (cd "$snap" && go build -o "$bin" ./cmd/mcpriv)
fi

dirs=()
for spec in "${npm_servers[@]}"; do
  name=${spec%@*}; safe=${name//\//__}; dest="$cache/src/npm-$safe"
  if [ ! -d "$dest" ]; then
    tgz=$(cd "$cache/npm" && npm pack --silent "$spec" 2>/dev/null | tail -1) || { echo "skip $spec: npm pack failed" >&2; continue; }
    mkdir -p "$dest" && tar -xzf "$cache/npm/$tgz" -C "$dest" --strip-components=1
  fi
  dirs+=("$dest")
done
for spec in "${go_servers[@]}"; do
  dir=$(GOFLAGS=-mod=mod go mod download -json "$spec" 2>/dev/null | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
  [ -n "$dir" ] || { echo "skip $spec: go mod download failed" >&2; continue; }
  dirs+=("$dir")
done

printf '%-48s %6s %8s %6s %5s %5s %5s %5s %6s %9s %8s\n' server files findings tools net sys file mem tainted kbytes seconds
for d in "${dirs[@]}"; do
  name=$(basename "$d")
  out="$cache/out/$name.json"
  start=$(date +%s.%N)
  "$bin" scan --format json --no-progress "$d" >"$out" 2>"$cache/out/$name.err" || true
  end=$(date +%s.%N)
  python3 - "$out" "$name" "$start" "$end" "$d" <<'PY'
import json, os, sys
out, name, start, end, root = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
# Source bytes the scan reads: the languages mcpriv analyses, without the
# directories it skips by default.
skip = {"node_modules", ".git", "vendor", "testdata", "venv", ".venv", "__pycache__"}
exts = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".py", ".go")
size = 0
for base, dirs, names in os.walk(root):
    dirs[:] = [x for x in dirs if x not in skip]
    size += sum(os.path.getsize(os.path.join(base, n)) for n in names
                if n.endswith(exts) and not n.endswith(".d.ts"))
try:
    r = json.load(open(out))
except Exception as e:
    print(f"{name:<48} scan failed: {e}"); sys.exit(0)
fs = [f for f in r.get("findings", []) if f.get("capability")]
cls = lambda c: sum(1 for f in fs if f.get("class") == c)
files = len({f["file"] for f in fs})
print(f"{name[:48]:<48} {files:>6} {len(fs):>8} {len(r.get('tools', [])):>6} {cls('network'):>5} {cls('system'):>5} {cls('file'):>5} {cls('memory'):>5} {sum(1 for f in fs if f.get('tainted')):>6} {size//1024:>9} {end-start:>8.2f}")
PY
  if [ $want_manifest = 1 ]; then
    rm -rf "$cache/out/$name.m" && cp -r "$d" "$cache/out/$name.m" && chmod -R u+w "$cache/out/$name.m"
    "$bin" manifest "$cache/out/$name.m" >/dev/null 2>&1 || echo "manifest failed for $name" >&2
  fi
done
echo "JSON outputs: $cache/out"
