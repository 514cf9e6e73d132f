#!/bin/sh
# -X giltrace: the trace of examples/seed_threads.py is checked by python3
# (tests/giltrace/check_trace.py); the giltrace module turns it into HTML.
srcdir=${top_srcdir:-${srcdir:-.}}
builddir=${top_builddir:-.}
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
# The thread pool sometimes runs both tasks on one worker (check exits 3):
# run again, a few times at most.
n=0
while :; do
    "$builddir/gilkit" -X giltrace="$tmp/t.json" "$srcdir/examples/seed_threads.py" >"$tmp/out" || { echo "FAIL: gilkit"; exit 1; }
    python3 "$srcdir/tests/giltrace/check_trace.py" "$tmp/t.json"
    rc=$?
    [ $rc -eq 0 ] && break
    n=$((n + 1))
    [ $rc -eq 3 ] && [ $n -lt 10 ] && continue
    echo "FAIL: trace check"; exit 1
done
python3 "$srcdir/lib/giltrace.py" "$tmp/t.json" -o "$tmp/t.html" || { echo "FAIL: giltrace.py"; exit 1; }
grep -q '<svg' "$tmp/t.html" || { echo "FAIL: no svg in the report"; exit 1; }
echo "PASS: HTML report"
# Blocking calls in the sample modules are labelled with their function.
"$builddir/gilkit" -X giltrace="$tmp/io.json" "$srcdir/tests/giltrace/io_labels.py" >"$tmp/out" 2>"$tmp/err" || { echo "FAIL: io_labels.py"; cat "$tmp/err"; exit 1; }
python3 "$srcdir/tests/giltrace/check_labels.py" "$tmp/io.json" time.sleep socket.accept socket.recv os.read \
    select.select subprocess.wait subprocess.communicate zlib.compress || exit 1
