# Interpreter benchmark: integer loops (for over range, while, arithmetic, comparisons).
# Optional argument: the work scale (default 10; 1 for callgrind runs).
# Prints "<result> <CPU seconds of the work>"; run by bench/interp.sh beside python3.
import sys
import time

scale = int(sys.argv[1]) if len(sys.argv) > 1 else 10


def main():
    total = 0
    for i in range(500000 * scale):
        if i % 3 == 0:
            total += i
        else:
            total -= 1
    j = 0
    k = 0
    while j < 250000 * scale:
        k = (k + j * 7) & 0xFFFF
        j += 1
    return total + k


t0 = time.process_time()
r = main()
print(r, "%.4f" % (time.process_time() - t0))
