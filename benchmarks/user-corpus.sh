#!/usr/bin/env bash
# user-corpus.sh - the review corpus of user-style Dask code: tutorials, workshops, course work,
# research notebooks and ETL scripts from ~30 public repositories (user-repos.tsv beside this
# script: owner/name, pinned commit, what it is). Used to judge precision on the code Dask users
# write (benchmarks/user-review.md).
#
#   1. Clone each repository of user-repos.tsv into MIRROR/<owner>+<name>/repo, e.g.
#        while IFS=$'\t' read -r repo commit _; do
#          git clone --quiet "https://github.com/$repo" "$MIRROR/${repo/\//+}/repo"
#        done < benchmarks/user-repos.tsv
#   2. MIRROR=<dir> bash benchmarks/user-corpus.sh [TARGET]     (TARGET: /tmp/user-corpus)
#      Without MIRROR, the first `.mirror` folder found in the parent folders of this script.
#
# Extracts the pinned commit's *.py and *.ipynb files into TARGET/<owner>+<name>/<path> and
# writes TARGET/MANIFEST.tsv. Rebuilt from scratch on every run. Third-party code: read it,
# lint it, never copy it into the repository (a table of judged findings may cite file:line).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TARGET=${1:-/tmp/user-corpus}
TARGET=${TARGET%/}
if [ -z "${MIRROR:-}" ]; then
    d=$HERE
    while [ "$d" != "/" ]; do
        if [ -d "$d/.mirror" ]; then MIRROR="$d/.mirror"; break; fi
        d=$(dirname "$d")
    done
fi
[ -n "${MIRROR:-}" ] || { echo "no .mirror folder found: fetch the repositories first, or set MIRROR" >&2; exit 1; }
NEW=$(mktemp -d "${TARGET}.new.XXXXXX")
trap 'rm -rf "$NEW"' EXIT
missing=0
while IFS=$'\t' read -r repo commit _; do
    [ -n "$repo" ] || continue
    g="$MIRROR/${repo/\//+}/repo"
    [ -d "$g/.git" ] && g="$g/.git"
    if [ ! -d "$g" ]; then echo "missing snapshot of $repo: $g" >&2; missing=1; continue; fi
    name=${repo/\//+}
    git --git-dir "$g" cat-file -e "$commit^{commit}" 2>/dev/null \
        || { echo "$repo: commit $commit absent from the snapshot" >&2; missing=1; continue; }
    # the .py and .ipynb files of the pinned commit; blobs a snapshot left out (very large
    # files) are skipped and counted
    n=$(python3 - "$g" "$commit" "$NEW/$name" <<'PY'
import os, subprocess, sys
gitdir, commit, out = sys.argv[1:]
git = ["git", "--git-dir", gitdir]
entries = []
for e in subprocess.run(git + ["ls-tree", "-r", "-z", commit], check=True, capture_output=True).stdout.split(b"\0"):
    if e:
        meta, path = e.split(b"\t", 1)
        mode, kind, sha = meta.split()
        path = path.decode("utf-8", "surrogateescape")
        if kind == b"blob" and mode != b"120000" and path.endswith((".py", ".ipynb")):
            entries.append((sha, path))
cat = subprocess.Popen(git + ["cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
kept = absent = 0
for sha, path in entries:
    cat.stdin.write(sha + b"\n")
    cat.stdin.flush()
    header = cat.stdout.readline().split()
    if len(header) < 3 or header[1] == b"missing":
        absent += 1
        continue
    data = cat.stdout.read(int(header[2]))
    cat.stdout.read(1)
    parts = [c for c in path.split("/") if c not in ("", ".", "..")]
    dest = os.path.join(out, *parts)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "wb") as f:
        f.write(data)
    kept += 1
cat.stdin.close()
cat.wait()
print(kept, absent)
PY
)
    read -r kept absent <<< "$n"
    printf '%s\t%s\t%s\t%s\n' "$repo" "$commit" "$kept" "$absent" >> "$NEW/MANIFEST.tsv"
    [ "$absent" = 0 ] && a="" || a=" ($absent absent from the snapshot)"; echo "  $repo @ ${commit:0:12}: $kept files$a" >&2
done < "$HERE/user-repos.tsv"
[ "$missing" -eq 0 ] || { echo "some repositories are missing (above); nothing written" >&2; exit 1; }
rm -rf "$TARGET"
mv "$NEW" "$TARGET"
trap - EXIT
echo "user corpus: $TARGET ($(find "$TARGET" -name '*.py' | wc -l) .py, $(find "$TARGET" -name '*.ipynb' | wc -l) .ipynb)"
