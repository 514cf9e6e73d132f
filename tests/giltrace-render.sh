#!/bin/sh
# Renders the giltrace HTML report of examples/seed_threads.py in headless
# Chromium and checks the screenshot is a non-empty PNG.  Not in TESTS (it
# takes seconds); run by hand: sh tests/giltrace-render.sh.  Skips (77)
# without chromium.
srcdir=${top_srcdir:-${srcdir:-.}}
builddir=${top_builddir:-.}
command -v chromium >/dev/null 2>&1 || { echo "SKIP: no chromium"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
"$builddir/gilkit" -X giltrace="$tmp/t.json" "$srcdir/examples/seed_threads.py" >/dev/null || { echo "FAIL: gilkit"; exit 1; }
"$builddir/gilkit" -m giltrace "$tmp/t.json" -o "$tmp/t.html" || { echo "FAIL: gilkit -m giltrace"; exit 1; }
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
    --window-size=1050,420 --screenshot="$tmp/shot.png" "file://$tmp/t.html" >"$tmp/log" 2>&1
python3 - "$tmp/shot.png" <<'PY' || { echo "FAIL: screenshot"; cat "$tmp/log"; exit 1; }
import sys, zlib, struct
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", data[16:24])
assert w > 100 and h > 100, (w, h)
idat = b""
i = 8
while i < len(data):
    n = struct.unpack(">I", data[i:i + 4])[0]
    if data[i + 4:i + 8] == b"IDAT":
        idat += data[i + 8:i + 8 + n]
    i += 12 + n
raw = zlib.decompress(idat)
assert len(set(raw)) > 8, "blank screenshot"
PY
echo "PASS: report rendered in chromium"
