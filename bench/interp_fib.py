# Interpreter benchmark: recursive calls and small-int arithmetic.
# Optional argument: the work scale (default 10; 1 for callgrind runs).
# Prints "<result> <CPU seconds of the work>"; run by bench/interp.sh beside python3.
import sys
import time

scale = int(sys.argv[1]) if len(sys.argv) > 1 else 10


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def main():
    total = 0
    for _ in range(scale):
        total += fib(27)
    return total


t0 = time.process_time()
r = main()
print(r, "%.4f" % (time.process_time() - t0))
