# Interpreter benchmark: list building (append, comprehensions) and iteration.
# Optional argument: the work scale (default 10; 1 for callgrind runs).
# Prints "<result> <CPU seconds of the work>"; run by bench/interp.sh beside python3.
import sys
import time

scale = int(sys.argv[1]) if len(sys.argv) > 1 else 10


def main():
    total = 0
    for rep in range(20 * scale):
        a = []
        for i in range(20000):
            a.append(i * 2)
        b = [x + 1 for x in a if x % 3]
        for x in b:
            total += x
        total += len(a) + a[-1] + b[rep]
    return total


t0 = time.process_time()
r = main()
print(r, "%.4f" % (time.process_time() - t0))
