#!/bin/sh
# Runs every tests/scripts/*.py through ./gilkit and compares its stdout
# with NAME.out (and its exit status with NAME.rc, default 0).  A script
# whose first line is "# sorted" is compared line-sorted (threads
# interleave).  A script with a "# skip-under-tsan: REASON" line is skipped
# when SAN_CFLAGS names the thread sanitizer.  Prints one line per failure and "N passed, N failed".
# Usage: tests/run-scripts.sh [GILKIT] [GLOB]
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
gk=${1:-$top_builddir/gilkit}
glob=${2:-*}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for script in "$top_srcdir"/tests/scripts/$glob.py; do
    name=$(basename "$script" .py)
    exp="$top_srcdir/tests/scripts/$name.out"
    [ -f "$exp" ] || continue
    case "${SAN_CFLAGS:-}" in *thread*)
        if grep -q '^# skip-under-tsan:' "$script"; then
            echo "SKIP $name ($(grep '^# skip-under-tsan:' "$script" | cut -d: -f2-))"; continue
        fi;;
    esac
    want_rc=0
    [ -f "$top_srcdir/tests/scripts/$name.rc" ] && want_rc=$(cat "$top_srcdir/tests/scripts/$name.rc")
    (cd "$tmp" && GILKIT_PATH="$top_srcdir/tests/scripts/lib:$top_builddir/tests/ext" timeout 60 "$gk" "$script" \
        >"$tmp/out" 2>"$tmp/err" </dev/null)
    rc=$?
    if head -1 "$script" | grep -q '^# sorted'; then
        sort "$tmp/out" >"$tmp/got"; sort "$exp" >"$tmp/want"
    else
        cp "$tmp/out" "$tmp/got"; cp "$exp" "$tmp/want"
    fi
    if [ "$rc" = "$want_rc" ] && cmp -s "$tmp/got" "$tmp/want"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $name (exit $rc, expected $want_rc)"
        diff "$tmp/want" "$tmp/got" | head -10
        tail -5 "$tmp/err"
    fi
done
echo "scripts: $pass passed, $fail failed"
[ "$fail" = 0 ]
