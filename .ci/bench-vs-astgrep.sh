#!/usr/bin/env bash
# Scan speed and peak memory of `mcpriv scan` against ast-grep running rules
# equivalent to mcpriv's call patterns, on the same files. Not part of the
# test run (a measurement, not a test).
#
#   .ci/bench-vs-astgrep.sh [TREE]
#
#   TREE                 default: ~/.cache/mcpriv/corpus/dev if it exists,
#                        else ~/.cache/mcpriv/realworld/src (.ci/realworld.sh)
#   RUNS=N               runs of each tool (default 7), alternated
#   SG_MODE=rule|symbol  ast-grep rules: one per mcpriv rule, names as regular
#                        expressions (default), or one per called name
#   ROOTS=N              only N of the corpus's servers, spread evenly over its
#                        sorted list (a busy machine cannot afford the whole)
#   ROOTS_FILE=FILE      the roots to scan, one per line (a fixed sample of a
#                        corpus that is still growing, to compare two builds)
#   MCPRIV_BIN=FILE      time this mcpriv binary (default: built from this checkout)
#   MCPRIV_FLAGS="..."   extra flags for mcpriv scan (e.g. "--cache-dir DIR")
#   ASTGREP_CACHE=DIR    where @ast-grep/cli is installed (default ~/.cache/mcpriv/astgrep)
#
# ast-grep 0.51.1 comes from npm into the cache. Its rules are generated from
# the embedded rule set by .ci/astgrep (see that program's comment). Both tools get the exact file
# list mcpriv's walk selects (default excludes, size limit), use every core,
# and write their report to /dev/null. The machine may be shared: runs are
# alternated and medians reported; read the spread before trusting a ratio.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-7}
tree=${1:-}
if [ -z "$tree" ]; then
  if [ -d "$HOME/.cache/mcpriv/corpus/dev" ]; then
    tree=$HOME/.cache/mcpriv/corpus/dev
  else
    tree=$HOME/.cache/mcpriv/realworld/src
  fi
fi
[ -d "$tree" ] || { echo "no tree at $tree (run .ci/realworld.sh, or pass a directory)" >&2; exit 2; }

cache=${ASTGREP_CACHE:-$HOME/.cache/mcpriv/astgrep}
mkdir -p "$cache"
sg="$cache/node_modules/@ast-grep/cli-linux-x64-gnu/ast-grep"
[ -x "$sg" ] || sg="$cache/node_modules/@ast-grep/cli/ast-grep"
if ! "$sg" --version 2>/dev/null | grep -q '^ast-grep 0\.51\.1$'; then
  echo "installing @ast-grep/cli@0.51.1 into $cache" >&2
  (cd "$cache" && npm install --no-save --no-audit --no-fund --prefix . @ast-grep/cli@0.51.1 >/dev/null)
  sg="$cache/node_modules/@ast-grep/cli-linux-x64-gnu/ast-grep"
  [ -x "$sg" ] || sg="$cache/node_modules/@ast-grep/cli/ast-grep"
fi
# The npm package's bin may be a node shim: time the native binary.
if ! head -c 4 "$sg" | grep -q 'ELF'; then
  echo "$sg is not a native binary" >&2; exit 1
fi
"$sg" --version | grep -q '^ast-grep 0\.51\.1$' || { echo "ast-grep 0.51.1 not found in $cache" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin="$work/mcpriv"
if [ -n "${MCPRIV_BIN:-}" ]; then cp "$MCPRIV_BIN" "$bin"; else go build -o "$bin" ./cmd/mcpriv; fi
go run ./.ci/astgrep -mode "${SG_MODE:-rule}" -o "$work/sg" 2>"$work/gen.log"
# A corpus of symbolic links to servers (mcpriv never follows links): each
# link's target is a root of its own, as on mcpriv's command line.
# Dangling links (servers not materialised) are left out and counted.
if [ -n "${ROOTS_FILE:-}" ]; then
  mapfile -t roots <"$ROOTS_FILE"
else
  mapfile -t roots < <(find "$tree" -mindepth 1 -maxdepth 2 -type l -exec readlink -f {} \; | sort -u)
fi
dangling=0
for i in "${!roots[@]}"; do [ -d "${roots[$i]}" ] || { unset 'roots[i]'; dangling=$((dangling + 1)); }; done
roots=("${roots[@]}")
if [ -n "${ROOTS:-}" ] && [ "$ROOTS" -lt ${#roots[@]} ]; then
  picked=()
  for i in $(seq 0 $((ROOTS - 1))); do picked+=("${roots[$((i * ${#roots[@]} / ROOTS))]}"); done
  echo "sample: $ROOTS of ${#roots[@]} servers" >&2
  roots=("${picked[@]}")
fi
[ ${#roots[@]} -gt 0 ] || roots=("$tree")
go run ./.ci/astgrep -list "${roots[@]}" >"$work/files"
nfiles=$(wc -l <"$work/files")
[ "$nfiles" -gt 0 ] || { echo "no analysable files under $tree" >&2; exit 2; }
bytes=$(tr '\n' '\0' <"$work/files" | xargs -0 cat | wc -c)
mapfile -t files <"$work/files"

# The same files for both: mcpriv scans the tree (its walk yields this list),
# ast-grep gets the list (it would otherwise also read hidden, test and
# vendored files mcpriv skips). One command line each, exec'd so that
# /usr/bin/time sees the tool's own peak RSS.
read -r -a mflags <<<"${MCPRIV_FLAGS:-}"
{ printf 'exec'; printf ' %q' "$bin" scan --format json --no-progress "${mflags[@]}" "${roots[@]}"; printf ' >/dev/null\n'; } >"$work/run-m.sh"
{ printf 'cd %q && exec' "$work/sg"; printf ' %q' "$sg" scan --json=compact --no-ignore hidden --no-ignore vcs; printf ' %q' "${files[@]}"; printf ' >/dev/null\n'; } >"$work/run-s.sh"

# timed NAME SCRIPT: one run, appends "wall-seconds peak-kbytes cpu-seconds"
# to $work/NAME. Exit 1 means findings (both tools), not failure. CPU time
# (user + system) suffers less than wall time from other load on the
# machine, so it is printed too.
timed() {
  local t0 t1 rc=0
  t0=$(date +%s.%N)
  /usr/bin/time -f '%M %U %S' -o "$work/rss" bash "$work/$2" 2>"$work/err" || rc=$?
  t1=$(date +%s.%N)
  if [ $rc -gt 1 ]; then echo "$2 failed (exit $rc):" >&2; cat "$work/err" >&2; exit 1; fi
  read -r rss usr sys < <(tail -1 "$work/rss")
  echo "$(echo "$t1 - $t0" | bc -l) $rss $(echo "$usr + $sys" | bc -l)" >>"$work/$1"
}

echo "tree: $tree (${#roots[@]} roots; $dangling links to servers not materialised left out)"
echo "files: $nfiles, $((bytes / 1024)) KiB ($(sed -n 's/^astgrep: //p' "$work/gen.log"))"
echo "cores: $(nproc), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
timed warm-m run-m.sh; timed warm-s run-s.sh # page cache, first-run costs
: >"$work/m"; : >"$work/s"
for i in $(seq "$runs"); do
  if [ $((i % 2)) = 1 ]; then timed m run-m.sh; timed s run-s.sh; else timed s run-s.sh; timed m run-m.sh; fi
done

python3 - "$work/m" "$work/s" "$bytes" <<'PY'
import statistics, sys
def load(p):
    rows = [tuple(map(float, l.split())) for l in open(p) if l.strip()]
    return [r[0] for r in rows], [r[1] / 1024 for r in rows], [r[2] for r in rows]
m, s, mb = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3]) / 1e6
med = statistics.median
for name, (t, r, c) in (("mcpriv", m), ("ast-grep", s)):
    print(f"{name:9} wall median {med(t):7.3f} s (min {min(t):.3f}, max {max(t):.3f}, n={len(t)}) {mb / med(t):5.1f} MB/s | "
          f"cpu median {med(c):7.3f} s | peak RSS median {med(r):6.1f} MB (max {max(r):.1f})")
print(f"speed ratio, ast-grep / mcpriv: wall {med(s[0]) / med(m[0]):.2f}x, cpu {med(s[2]) / med(m[2]):.2f}x; "
      f"peak RSS mcpriv / ast-grep: {med(m[1]) / med(s[1]):.2f}x")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
