# Two CPU-bound threads sharing the GIL: total time against one thread doing
# the same work twice (switching overhead), with the default interval.
# Best of three of each.  Target (issue #3): at most 1.05x.
import threading
import time

def work():
    x = 0
    for i in range(3000000):
        x += i

def serial():
    t0 = time.perf_counter()
    work(); work()
    return time.perf_counter() - t0

def threaded():
    t0 = time.perf_counter()
    ts = [threading.Thread(target=work) for _ in range(2)]
    for t in ts: t.start()
    for t in ts: t.join()
    return time.perf_counter() - t0

s = min(serial() for _ in range(3))
p = min(threaded() for _ in range(3))
print("threads_cpu_serial_s: %.3f" % s)
print("threads_cpu_two_threads_s: %.3f" % p)
print("threads_cpu_ratio_x: %.2f" % (p / s))
