# Interpreter benchmark: dict updates and lookups with string keys.
# Optional argument: the work scale (default 10; 1 for callgrind runs).
# Prints "<result> <CPU seconds of the work>"; run by bench/interp.sh beside python3.
import sys
import time

scale = int(sys.argv[1]) if len(sys.argv) > 1 else 10


def main():
    keys = ["key%d" % i for i in range(500)]
    counts = {}
    for rep in range(600 * scale):
        for k in keys:
            if k in counts:
                counts[k] += 1
            else:
                counts[k] = 1
    total = 0
    for k in keys:
        total += counts[k]
    d = {}
    for i in range(200000 * scale):
        d["a"] = i
        d["b"] = d["a"] + 1
    return total + d["b"] + len(counts)


t0 = time.process_time()
r = main()
print(r, "%.4f" % (time.process_time() - t0))
