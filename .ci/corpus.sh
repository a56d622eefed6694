#!/usr/bin/env bash
# Materialises the development corpus (the real MCP servers listed in
# ../shared/corpus) into a cache outside the repository, and writes one
# directory of links per split so a tool can scan just dev or just test.
# Not part of the test run. The split itself is data in the repository:
# testdata/corpus/split.tsv (rule and how to reproduce it: docs/corpus.md).
#
#   .ci/corpus.sh           GitHub snapshots, npm packages, split farms
#   .ci/corpus.sh github    GitHub snapshots only (then the farms)
#   .ci/corpus.sh npm       npm packages only (then the farms)
#   .ci/corpus.sh farms     only rewrite the farms from what is in the cache
#   .ci/corpus.sh same      print the same-server table (testdata/corpus/same.tsv)
#                           from the repository fields of the unpacked npm packages
#
#   MCPRIV_CORPUS_LISTS=dir  the shared lists (default ../shared/corpus)
#   MCPRIV_CORPUS=dir        the cache (default ~/.cache/mcpriv/corpus)
#   MCPRIV_MIRROR=dir        GitHub repository snapshots, one git directory
#                            per repository at DIR/OWNER+NAME/repo (default /work/.mirror)
#
# Layout of the cache:
#   github/OWNER+NAME/...           the listed subpaths of the repository's HEAD
#   npm/tgz/*.tgz, npm/src/NAME/    packed and unpacked npm packages (NAME: / → +)
#   dev/LIST/NAME, test/LIST/NAME   links to the server's directory, per split
#   dev.txt, test.txt               LIST<TAB>NAME<TAB>directory, one server a line
#   failures.tsv                    what could not be materialised, and why
# Entries that already exist are kept; delete a directory to get it again.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
lists=${MCPRIV_CORPUS_LISTS:-$repo/../shared/corpus}
cache=${MCPRIV_CORPUS:-$HOME/.cache/mcpriv/corpus}
mirror=${MCPRIV_MIRROR:-/work/.mirror}
what=${1:-all}
split=$repo/testdata/corpus/split.tsv

[ -d "$lists" ] || { echo "corpus lists not found at $lists (set MCPRIV_CORPUS_LISTS)" >&2; exit 1; }
[ -f "$split" ] || { echo "missing $split" >&2; exit 1; }
mkdir -p "$cache/github" "$cache/npm/tgz" "$cache/npm/src"
failures=$cache/failures.tsv
# Failures of the parts run now replace the earlier ones of the same kind.
touch "$failures"

# The split file must be what the rule gives on today's lists: a list that
# changed under us would otherwise move servers between splits unseen.
[ "$what" = same ] || MCPRIV_CORPUS_LISTS=$lists go test -count=1 -run 'TestSplitFile$' ./analysis/corpus/ >/dev/null ||
  { echo "testdata/corpus/split.tsv does not match the lists: go test -run TestSplitFile ./analysis/corpus/ -v" >&2; exit 1; }

# Writes the files of HEAD under the given paths (all when none) from a
# snapshot git directory. Not git archive: snapshots may lack their largest
# blobs (media, binaries), and archive stops at the first one. Missing blobs
# are listed in the .missing file beside the tree; symlinks stay links (never
# followed), submodules are skipped.
extract=$(cat <<'PY'
import os, subprocess, sys, threading
gitdir, dest, missing_file, paths = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
git = ["git", "--git-dir=" + gitdir]
tree = subprocess.run(git + ["ls-tree", "-r", "-z", "HEAD", "--"] + paths, check=True, capture_output=True).stdout
entries = []
for rec in tree.split(b"\0"):
    if not rec:
        continue
    meta, path = rec.split(b"\t", 1)
    mode, kind, sha = meta.split(b" ")
    if kind == b"blob":
        entries.append((mode, sha, path))
if paths and not entries:
    sys.exit("no files under " + " ".join(paths) + " at HEAD")
cat = subprocess.Popen(git + ["cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
def feed():  # all names at once: no round trip per blob
    cat.stdin.write(b"".join(sha + b"\n" for _, sha, _ in entries)); cat.stdin.close()
threading.Thread(target=feed, daemon=True).start()
missing = []
root = os.path.realpath(dest).encode()
for mode, sha, path in entries:
    head = cat.stdout.readline().split()
    if head[1] == b"missing":
        missing.append(path)
        continue
    data = cat.stdout.read(int(head[2])); cat.stdout.read(1)
    if b"/../" in b"/" + path + b"/" or path.startswith(b"/"):
        sys.exit("unsafe path in tree: %r" % path)
    target = os.path.join(root, path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if mode == b"120000":
        os.symlink(data, target)
    else:
        with open(target, "wb") as f:
            f.write(data)
        if mode == b"100755":
            os.chmod(target, 0o755)
if cat.wait() != 0:
    sys.exit("git cat-file failed")
with open(missing_file, "wb") as f:
    f.write(b"".join(p + b"\n" for p in missing))
if missing:
    print("%d of %d files absent from the snapshot (listed in %s)" % (len(missing), len(entries), missing_file))
PY
)

do_github() {
  local tmp; tmp=$(mktemp)
  grep -v '^github	' "$failures" >"$tmp" || true
  mv "$tmp" "$failures"
  # One line per repository: OWNER/NAME and its listed subpaths.
  local repos
  repos=$(cat "$lists"/github-*.tsv "$lists"/memory.tsv | awk -F'\t' 'NF >= 2 && $1 !~ /^#/ {
      if (!($1 in seen)) { order[++n] = $1; seen[$1] = "" }
      if (index(" " seen[$1] " ", " " $2 " ") == 0) seen[$1] = seen[$1] " " $2
    } END { for (i = 1; i <= n; i++) print order[i] seen[order[i]] }')
  local ok=0 bad=0 kept=0
  while read -r name subs; do
    local safe=${name/\//+} dest=$cache/github/${name/\//+}
    if [ -d "$dest" ]; then kept=$((kept + 1)); continue; fi
    local gitdir=$mirror/$safe/repo
    [ -d "$gitdir" ] || gitdir=$mirror/$safe
    if ! git --git-dir="$gitdir" rev-parse --verify -q HEAD >/dev/null 2>&1; then
      printf 'github\t%s\tno snapshot at %s\n' "$name" "$mirror/$safe" >>"$failures"; bad=$((bad + 1)); continue
    fi
    local paths=()
    case " $subs " in *" . "*) ;; *) read -r -a paths <<<"$subs" ;; esac
    rm -rf "$dest.part" && mkdir -p "$dest.part"
    local err
    if err=$(python3 - "$gitdir" "$dest.part" "$cache/github/$safe.missing" "${paths[@]}" <<<"$extract" 2>&1); then
      git --git-dir="$gitdir" rev-parse HEAD >"$cache/github/$safe.commit"
      mv "$dest.part" "$dest"; ok=$((ok + 1))
      [ -z "$err" ] || echo "$name: $err" >&2
    else
      printf 'github\t%s\t%s\n' "$name" "$(echo "$err" | tr '\n\t' '  ' | cut -c1-300)" >>"$failures"; bad=$((bad + 1))
      rm -rf "$dest.part"
    fi
  done <<<"$repos"
  echo "github: $ok extracted, $kept already there, $bad failed (see $failures)"
}

# Packs a batch of name@version specs (one npm process for many packages:
# its start-up dominates on a busy machine), then unpacks each. When the batch
# fails, each package is packed alone so one bad spec costs only itself.
npm_batch() { # cache failures spec...
  local cache=$1 failures=$2; shift 2
  local todo=() spec
  for spec in "$@"; do [ -d "$cache/npm/src/$(npm_safe "$spec")" ] || todo+=("$spec"); done
  [ ${#todo[@]} -gt 0 ] || return 0
  if ! (cd "$cache/npm/tgz" && npm pack --ignore-scripts --silent "${todo[@]}" >/dev/null 2>&1); then
    local out
    for spec in "${todo[@]}"; do
      [ -f "$cache/npm/tgz/$(npm_tgz "$spec")" ] && continue
      out=$(cd "$cache/npm/tgz" && npm pack --ignore-scripts --silent "$spec" 2>&1) ||
        printf 'npm\t%s\t%s\n' "$spec" "$(echo "$out" | grep -m1 -i 'err' | tr '\t' ' ' | cut -c1-300)" >>"$failures"
    done
  fi
  for spec in "${todo[@]}"; do
    local tgz=$cache/npm/tgz/$(npm_tgz "$spec") dest=$cache/npm/src/$(npm_safe "$spec")
    [ -f "$tgz" ] || { grep -qF "npm	$spec	" "$failures" || printf 'npm\t%s\tnpm pack wrote no %s\n' "$spec" "${tgz##*/}" >>"$failures"; continue; }
    rm -rf "$dest.part" && mkdir -p "$dest.part"
    # Most packages put their files under package/, a few under another top directory.
    if out=$(tar -xzf "$tgz" -C "$dest.part" --no-same-owner 2>&1); then
      local tops; tops=$(ls -A "$dest.part")
      if [ "$(echo "$tops" | wc -l)" = 1 ] && [ -d "$dest.part/$tops" ]; then
        mv "$dest.part/$tops" "$dest" && rmdir "$dest.part"
      else
        mv "$dest.part" "$dest"
      fi
    else
      printf 'npm\t%s\tunpack %s: %s\n' "$spec" "${tgz##*/}" "$(echo "$out" | head -1 | cut -c1-200)" >>"$failures"
      rm -rf "$dest.part"
    fi
  done
}
# The directory of a package in the cache: its name with / as +.
npm_safe() { local name=${1%@*}; echo "${name//\//+}"; }
# The file npm pack writes: the name without its @, / as -, then -version.
npm_tgz() { local name=${1%@*}; name=${name#@}; echo "${name//\//-}-${1##*@}.tgz"; }
export -f npm_batch npm_safe npm_tgz

do_npm() {
  local tmp; tmp=$(mktemp)
  grep -v '^npm	' "$failures" >"$tmp" || true
  mv "$tmp" "$failures"
  grep -v '^[[:space:]]*\(#\|$\)' "$lists/npm-mcp.txt" |
    xargs -P 4 -n 8 bash -c 'npm_batch "$@"' _ "$cache" "$failures"
  local total have
  total=$(grep -vc '^[[:space:]]*\(#\|$\)' "$lists/npm-mcp.txt")
  have=$(find "$cache/npm/src" -mindepth 1 -maxdepth 1 -type d ! -name '*.part' | wc -l)
  echo "npm: $have of $total packages unpacked, $(grep -c '^npm	' "$failures" || true) failed (see $failures)"
}

do_farms() {
  local s
  for s in dev test; do rm -rf "$cache/$s" "$cache/$s.txt"; mkdir -p "$cache/$s"; : >"$cache/$s.txt"; done
  local missing=0 n=0
  while IFS=$'\t' read -r list name subpath which; do
    [ "$list" = list ] && continue
    local dir
    if [ "$list" = npm-mcp ]; then
      dir=$cache/npm/src/${name//\//+}
    else
      dir=$cache/github/${name/\//+}
      [ "$subpath" = . ] || dir=$dir/$subpath
    fi
    if [ ! -e "$dir" ]; then missing=$((missing + 1)); continue; fi  # a subpath may be one file
    mkdir -p "$cache/$which/$list"
    ln -sfn "$dir" "$cache/$which/$list/${name//\//+}"
    printf '%s\t%s\t%s\n' "$list" "$name" "$dir" >>"$cache/$which.txt"
    n=$((n + 1))
  done <"$split"
  echo "farms: $n servers linked ($(wc -l <"$cache/dev.txt") dev, $(wc -l <"$cache/test.txt") test), $missing listed but not in the cache"
  echo "dev: $cache/dev  test: $cache/test"
}

# npm packages whose package.json names a listed GitHub repository as its
# source: the same server, so it must take the repository's part.
do_same() {
  python3 - "$lists" "$cache/npm/src" <<'PY'
import glob, json, os, re, sys
lists, src = sys.argv[1], sys.argv[2]
repos = {}
for f in glob.glob(os.path.join(lists, "*.tsv")):
    for line in open(f):
        cols = line.split("\t")
        if len(cols) > 1 and not line.startswith("#"):
            repos[cols[0].lower()] = cols[0]
rows = []
for d in sorted(os.listdir(src)):
    try:
        pkg = json.load(open(os.path.join(src, d, "package.json")))
    except (OSError, ValueError):
        continue
    r = pkg.get("repository")
    r = r.get("url", "") if isinstance(r, dict) else r
    m = re.search(r"github\.com[/:]([^/\s]+/[^/#\s]+?)(?:\.git)?(?:[/#]|$)", str(r or ""))
    if m and m.group(1).lower() in repos:
        rows.append((pkg["name"], repos[m.group(1).lower()]))
print("npm\tgithub")
for name, repo in sorted(rows):
    print(name + "\t" + repo)
PY
}

case $what in
all) do_github; do_npm; do_farms ;;
github) do_github; do_farms ;;
npm) do_npm; do_farms ;;
farms) do_farms ;;
same) do_same ;;
*) echo "usage: $0 [all|github|npm|farms|same]" >&2; exit 2 ;;
esac
