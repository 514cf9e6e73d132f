#!/bin/sh
# Runs every benchmark under python3 and gilkit, side by side in the same run.
# Usage: bench/run.sh [GILKIT]
here=$(cd "$(dirname "$0")" && pwd)
gk=${1:-$here/../gilkit}
for b in "$here"/*.py; do
    echo "== $(basename "$b")"
    printf '  python3: '; python3 "$b" | paste -sd' ' -
    printf '  gilkit:  '; "$gk" "$b" | paste -sd' ' -
done
