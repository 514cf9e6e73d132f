#!/bin/sh
# Runs the benchmarks under python3 and gilkit, side by side in the same run.
# Usage: bench/run.sh [GILKIT] [interp|others]
#   First the interpreter benchmarks (bench/interp.sh: bench/interp_*.py with time ratios, their
#   geometric mean and the start-up ratio), then every other bench/*.py (threads, I/O, ...)
#   printing each one's own figures.  `interp` or `others` runs one of the two parts only.
here=$(cd "$(dirname "$0")" && pwd)
gk=${1:-$here/../gilkit}
part=${2:-all}
if [ "$part" != others ]; then
    echo "== interpreter benchmarks (bench/interp.sh)"
    "$here/interp.sh" -g "$gk"
fi
[ "$part" = interp ] && exit 0
for b in "$here"/*.py; do
    case $(basename "$b") in interp_*) continue ;; esac
    echo "== $(basename "$b")"
    printf '  python3: '; python3 "$b" | paste -sd' ' -
    printf '  gilkit:  '; "$gk" "$b" | paste -sd' ' -
done
