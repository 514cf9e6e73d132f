#!/bin/sh
# Builds examples/ext out of tree, the way a user would, against the build
# tree's SDK: once with gilkit-config, once with pkg-config reading the
# uninstalled .pc (PKG_CONFIG_PATH=$top_builddir/sdk); then imports the
# module with GILKIT_PATH and drives every function, the native type and
# calls from several threads (tests/ext-build/extdemo_check.py, expected
# output beside it).  Also builds and drives tests/ext-build/nativetypes.c.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
gk=$top_builddir/gilkit
cfg=$top_builddir/gilkit-config
checks=$top_srcdir/tests/ext-build
cflags="-O2 -Wall -Wextra -Werror ${SAN_CFLAGS:-}"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0

[ "$("$cfg" --ext-suffix)" = ".gilkit-$("$cfg" --abi-version).so" ] || { echo "FAIL: gilkit-config --ext-suffix"; fail=1; }
[ "$("$cfg" --moduledir)" = "$(cd "$top_builddir" && pwd -P)/modules" ] ||
    { echo "FAIL: gilkit-config --moduledir in the build tree: $("$cfg" --moduledir)"; fail=1; }

# run NAME [CHECK]: drives the module built in $tmp/NAME with CHECK.py
# (default extdemo_check), comparing with CHECK.out.
run() {
    check=$checks/${2:-extdemo_check}
    (cd "$tmp" && GILKIT_PATH="$tmp/$1" timeout 120 "$gk" "$check.py" >"$tmp/$1.out" 2>"$tmp/$1.err")
    rc=$?
    if [ $rc -ne 0 ] || ! cmp -s "$check.out" "$tmp/$1.out"; then
        echo "FAIL: $1: exit $rc"
        diff "$check.out" "$tmp/$1.out" | head -20
        tail -5 "$tmp/$1.err"
        fail=1
    else
        echo "PASS: $1"
    fi
}

cp -R "$top_srcdir/examples/ext" "$tmp/config" && chmod -R u+w "$tmp/config" || exit 99
if make -s -C "$tmp/config" CC="${CC:-cc}" CFLAGS="$cflags" GILKIT_CONFIG="$cfg" >"$tmp/build.log" 2>&1; then
    run config
else
    echo "FAIL: building with gilkit-config"; cat "$tmp/build.log"; fail=1
fi

# The corners of native types (tests/ext-build/nativetypes.c), built by hand.
mkdir -p "$tmp/types"
if ${CC:-cc} -std=c11 $cflags $("$cfg" --cflags) -shared -fPIC "$top_srcdir/tests/ext-build/nativetypes.c" \
        -o "$tmp/types/nativetypes$("$cfg" --ext-suffix)" >"$tmp/build.log" 2>&1; then
    run types nativetypes_check
else
    echo "FAIL: building nativetypes.c"; cat "$tmp/build.log"; fail=1
fi

if command -v pkg-config >/dev/null; then
    cp -R "$top_srcdir/examples/ext" "$tmp/pc" && chmod -R u+w "$tmp/pc" || exit 99
    if PKG_CONFIG_PATH="$top_builddir/sdk" make -s -C "$tmp/pc" CC="${CC:-cc}" CFLAGS="$cflags" \
            GILKIT_CONFIG="pkg-config gilkit" >"$tmp/build.log" 2>&1; then
        run pc
    else
        echo "FAIL: building with pkg-config and sdk/gilkit-uninstalled.pc"; cat "$tmp/build.log"; fail=1
    fi
fi
exit $fail
