# Interpreter benchmark: string building (concatenation, str(), f-strings) and joining.
# Optional argument: the work scale (default 10; 1 for callgrind runs).
# Prints "<result> <CPU seconds of the work>"; run by bench/interp.sh beside python3.
import sys
import time

scale = int(sys.argv[1]) if len(sys.argv) > 1 else 10


def main():
    total = 0
    for rep in range(30 * scale):
        parts = []
        for i in range(5000):
            parts.append("item" + str(i))
        s = ",".join(parts)
        t = ""
        for i in range(2000):
            t += "x"
        f = [f"{i}:{rep}" for i in range(1000)]
        total += len(s) + len(t) + len("".join(f)) + len(s.split(","))
    return total


t0 = time.process_time()
r = main()
print(r, "%.4f" % (time.process_time() - t0))
