# CPU-bound single thread: the common interpreter paths, each timed alone.
import time

def plain_loop(n):
    x = 0
    for i in range(n):
        x += i
    return x

class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm1(self):
        return abs(self.x) + abs(self.y)

def method_calls(n):
    p = Point(3, -4)
    t = 0
    for _ in range(n):
        t += p.norm1()
    return t

def attributes(n):
    p = Point(1, 2)
    for _ in range(n):
        p.x = p.y + 1
        p.y = p.x - 1
    return p.x

def dicts_lists(n):
    d = {}
    lst = []
    for i in range(n):
        d[i & 255] = i
        lst.append(d[i & 255])
    return len(lst) + len(d)

def strings(n):
    parts = []
    for i in range(n):
        parts.append("k" + str(i))
    return len("".join(parts))

def globals_builtins(n):
    t = 0
    for i in range(n):
        t += len(parts_g) + abs(-i)
    return t

parts_g = [1, 2, 3]
out = []
for name, fn, n in [("loop", plain_loop, 1000000), ("method", method_calls, 300000),
                    ("attr", attributes, 300000), ("dict_list", dicts_lists, 300000),
                    ("str", strings, 200000), ("global", globals_builtins, 300000)]:
    t0 = time.perf_counter()
    fn(n)
    out.append("%s %.3f s" % (name, time.perf_counter() - t0))
print(", ".join(out))
