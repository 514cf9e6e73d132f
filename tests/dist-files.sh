#!/bin/sh
# Lists the files git tracks (plus untracked, not ignored ones) that the
# release tarball lacks, and so a `make distcheck` build would miss.  Not
# run by `make check`: run it from a configured source tree,
#   tests/dist-files.sh            (makes the tarball with `make dist`)
#   tests/dist-files.sh FILE.tar.gz
# Files that are not needed to build or test (CI and editor settings) are
# skipped.  Exits 1 when something is missing.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
tarball=$1
if [ -z "$tarball" ]; then
    make -s dist >/dev/null
    tarball=$(ls -t gilkit-*.tar.gz | head -1)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar tzf "$tarball" | sed 's|^[^/]*/||' | grep -v '/$' | sort -u >"$tmp/tar"
{ git ls-files; git ls-files --others --exclude-standard; } | sort -u |
    grep -v -E '^(m4/\.gitkeep|\.ci/|\.git|\.github/|\.editorconfig|\.clang-format)' >"$tmp/git"
comm -23 "$tmp/git" "$tmp/tar" >"$tmp/missing"
if [ -s "$tmp/missing" ]; then
    echo "In the source tree but not in $tarball:"
    sed 's/^/  /' "$tmp/missing"
    exit 1
fi
echo "$tarball holds every tracked file"
