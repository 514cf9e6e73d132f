# Interpreter benchmark: method calls on instances and attribute access.
# Optional argument: the work scale (default 10; 1 for callgrind runs).
# Prints "<result> <CPU seconds of the work>"; run by bench/interp.sh beside python3.
import sys
import time

scale = int(sys.argv[1]) if len(sys.argv) > 1 else 10


class Counter:
    def __init__(self, start):
        self.value = start
        self.step = 1

    def incr(self):
        self.value += self.step
        return self.value

    def add(self, n):
        self.value = self.value + n


class Scaled(Counter):
    def incr(self):
        self.value += 2 * self.step
        return self.value


def main():
    c = Counter(0)
    s = Scaled(0)
    for i in range(200000 * scale):
        c.incr()
        s.incr()
        c.add(i & 7)
    return c.value + s.value


t0 = time.process_time()
r = main()
print(r, "%.4f" % (time.process_time() - t0))
