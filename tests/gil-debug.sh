#!/bin/sh
# GIL-debug runtime checks: builds each deliberately buggy extension under
# tests/gil-debug/ against the public header, runs it, and greps the report.
# Skipped (77) unless the tree was configured with --enable-gil-debug.
src=${top_srcdir:-${srcdir:-.}}
bld=${top_builddir:-.}
CC=${CC:-cc}
grep -q '^#define GK_GIL_DEBUG 1' "$bld/config.h" || { echo "SKIP: not a --enable-gil-debug build"; exit 77; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
"$CC" -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$src/sdk/include" -shared -fPIC -pthread \
    "$src/tests/gil-debug/touch_nogil.c" -o "$tmp/touch_nogil.gilkit-1.so" || exit 1

# 1. touch without the GIL: aborts by default, with the class, object and file:line.
GILKIT_PATH=$tmp "$bld/gilkit" -c 'import touch_nogil; touch_nogil.bad()' 2>"$tmp/err"
rc=$?
[ $rc -ne 0 ] || { echo "FAIL: bad() did not abort"; fail=1; }
for pat in 'object touched by a thread that does not hold the GIL' 'not attached to the runtime' \
           'object: str at 0x' 'operation: gk_decref' 'at: .*touch_nogil.c:9$' 'backtrace:'; do
    grep -q "$pat" "$tmp/err" || { echo "FAIL: report lacks /$pat/"; cat "$tmp/err"; fail=1; }
done
# GILKIT_GIL_CHECK=warn reports and goes on.
GILKIT_PATH=$tmp GILKIT_GIL_CHECK=warn "$bld/gilkit" -c 'import touch_nogil; touch_nogil.bad(); print("on")' \
    >"$tmp/out" 2>"$tmp/err" || { echo "FAIL: warn mode exited non-zero"; fail=1; }
grep -q '^on$' "$tmp/out" && grep -q 'continuing' "$tmp/err" || { echo "FAIL: warn mode"; fail=1; }
# The correct twin runs clean.
GILKIT_PATH=$tmp "$bld/gilkit" -c 'import touch_nogil; touch_nogil.good()' 2>"$tmp/err" \
    || { echo "FAIL: good() failed"; fail=1; }
[ ! -s "$tmp/err" ] || { echo "FAIL: good() reported:"; cat "$tmp/err"; fail=1; }
[ $fail -eq 0 ] && echo "PASS: touch without the GIL reported with object, operation and file:line"
exit $fail
