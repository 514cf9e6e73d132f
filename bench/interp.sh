#!/bin/sh
# bench/interp.sh - the interpreter benchmarks (bench/interp_*.py) on gilkit and python3 in the
# same run: per benchmark the best of N times of each, the ratio gilkit/python3, the geometric
# mean of the ratios, and the start-up ratio (`-c pass`).
#
# Usage: bench/interp.sh [-n RUNS] [-c] [-g GILKIT] [-p PYTHON] [NAME...]
#   -n RUNS   runs per benchmark and interpreter, the best one counts (default 3; start-up: 4x)
#   -c        count instructions with valgrind --tool=callgrind instead of timing (scale 1, one run,
#             less the start-up's count; repeatable on a noisy machine)
#   NAME      fib, loops, lists, dicts, strings, methods, floats (default: every bench/interp_*.py)
# Each script prints "<result> <seconds>": the CPU time (time.process_time) of its work, start-up
# excluded, as the machine may be shared and wall time would count other processes' turns; the
# results of the two interpreters must agree or the line says MISMATCH.
here=$(cd "$(dirname "$0")" && pwd)
gk=$here/../gilkit
py=python3
runs=3
cg=0
while [ $# -gt 0 ]; do
    case $1 in
    -n) runs=$2; shift 2 ;;
    -c) cg=1; shift ;;
    -g) gk=$2; shift 2 ;;
    -p) py=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) break ;;
    esac
done
if [ $# -gt 0 ]; then
    names=$*
else
    names=$(cd "$here" && ls interp_*.py | sed 's/^interp_//; s/\.py$//')
fi
have_py=1
command -v "$py" >/dev/null 2>&1 || have_py=0
# A version manager's shim (pyenv) would add its own start-up: run the real executable.
[ $have_py = 0 ] || py=$("$py" -c 'import sys; print(sys.executable)')
[ $have_py = 1 ] || echo "($py not found: gilkit figures only)"
if [ $cg = 1 ] && ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind not found" >&2
    exit 2
fi

now_ns() { date +%s%N; }

# best_time INTERP SCRIPT: prints "<result> <best seconds>" over $runs runs.
best_time() {
    best=""
    res=""
    i=0
    while [ $i -lt "$runs" ]; do
        out=$("$1" "$2") || { echo "FAILED -"; return; }
        r=${out% *}
        t=${out##* }
        res=$r
        if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
        i=$((i + 1))
    done
    echo "$res $best"
}

# ir_count INTERP ARGS...: prints "<result> <instructions>" of one run under callgrind.
ir_count() {
    tmp=$(mktemp -d)
    out=$(valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$@" 2>"$tmp/err") ||
        { echo "FAILED -"; rm -rf "$tmp"; return; }
    ir=$(sed -n 's/^==[0-9]*== Collected : //p' "$tmp/err")
    rm -rf "$tmp"
    echo "${out% *} $ir"
}

# startup INTERP: best wall time of `INTERP -c pass` in seconds.
startup() {
    best=""
    n=$((runs * 4))
    i=0
    while [ $i -lt $n ]; do
        t0=$(now_ns)
        "$1" -c pass
        t1=$(now_ns)
        d=$((t1 - t0))
        if [ -z "$best" ] || [ $d -lt "$best" ]; then best=$d; fi
        i=$((i + 1))
    done
    awk "BEGIN{printf \"%.4f\", $best / 1e9}"
}

if [ $cg = 1 ]; then
    g=$(ir_count "$gk" -c pass)
    p=$([ $have_py = 1 ] && ir_count "$py" -c pass || echo "- -")
    gs=${g##* }
    ps=${p##* }
else
    gs=$(startup "$gk")
    ps=$([ $have_py = 1 ] && startup "$py" || echo -)
fi
if [ $cg = 1 ]; then
    unit=Ir
    printf '%-10s %14s %14s %7s\n' benchmark "gilkit $unit" "python3 $unit" ratio
else
    unit=s
    printf '%-10s %10s %10s %7s\n' benchmark "gilkit s" "python3 s" ratio
fi
logsum=0
count=0
for name in $names; do
    script=$here/interp_$name.py
    if [ ! -f "$script" ]; then
        echo "$name: no $script" >&2
        continue
    fi
    if [ $cg = 1 ]; then
        g=$(ir_count "$gk" "$script" 1)
        p=$([ $have_py = 1 ] && ir_count "$py" "$script" 1 || echo "- -")
    else
        g=$(best_time "$gk" "$script")
        p=$([ $have_py = 1 ] && best_time "$py" "$script" || echo "- -")
    fi
    gv=${g##* }
    pv=${p##* }
    if [ $cg = 1 ]; then    # the work alone: less each interpreter's own start-up
        case $gv$gs in *[!0-9]*|'') gv=- ;; *) gv=$((gv - gs)) ;; esac
        case $pv$ps in *[!0-9]*|'') pv=- ;; *) pv=$((pv - ps)) ;; esac
    fi
    note=""
    [ "${g% *}" = "${p% *}" ] || [ $have_py = 0 ] || note=" MISMATCH (${g% *} vs ${p% *})"
    if [ "$gv" != "-" ] && [ "$pv" != "-" ] && [ -n "$gv" ] && [ -n "$pv" ]; then
        ratio=$(awk "BEGIN{printf \"%.2f\", $gv / $pv}")
        logsum=$(awk "BEGIN{print $logsum + log($gv / $pv)}")
        count=$((count + 1))
    else
        ratio=-
    fi
    if [ $cg = 1 ]; then
        printf '%-10s %14s %14s %7s%s\n' "$name" "$gv" "$pv" "$ratio" "$note"
    else
        printf '%-10s %10s %10s %7s%s\n' "$name" "$gv" "$pv" "$ratio" "$note"
    fi
done
if [ $count -gt 0 ]; then
    printf 'geometric mean of gilkit/python3: %s (target <= 1.0)\n' \
        "$(awk "BEGIN{printf \"%.2f\", exp($logsum / $count)}")"
fi
if [ "$ps" != "-" ] && [ "$gs" != "-" ] && [ -n "$gs" ] && [ -n "$ps" ]; then
    printf 'start-up (-c pass): gilkit %s %s, python3 %s %s, ratio %s (target <= 0.5)\n' "$gs" "$unit" \
        "$ps" "$unit" "$(awk "BEGIN{printf \"%.2f\", $gs / $ps}")"
else
    printf 'start-up (-c pass): gilkit %s %s\n' "$gs" "$unit"
fi
