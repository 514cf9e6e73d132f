#!/bin/sh
# Item 2 of the GIL checks (every build): an object API call written between
# GK_BEGIN_ALLOW_THREADS and GK_END_ALLOW_THREADS must fail to compile with a
# message naming the GIL; the same code with the call moved out compiles.
srcdir=${top_srcdir:-${srcdir:-.}}
CC=${CC:-cc}
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
inc="$srcdir/sdk/include"
"$CC" -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$inc" -c "$srcdir/tests/gil-debug/release_touch_bad.c" \
    -o "$tmp/bad.o" 2>"$tmp/bad.err"
rc=$?
if [ $rc -eq 0 ]; then echo "FAIL: release_touch_bad.c compiled"; exit 1; fi
if ! grep -q 'GK_BEGIN_ALLOW_THREADS and GK_END_ALLOW_THREADS, where the GIL is released' "$tmp/bad.err"; then
    echo "FAIL: no GIL message:"; cat "$tmp/bad.err"; exit 1
fi
"$CC" -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$inc" -c "$srcdir/tests/gil-debug/release_touch_good.c" \
    -o "$tmp/good.o" || { echo "FAIL: release_touch_good.c did not compile"; exit 1; }
echo "PASS: object use inside a release block is a compile error naming the GIL"
