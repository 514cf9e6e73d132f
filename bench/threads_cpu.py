# Two CPU-bound threads sharing the GIL: total time against one thread doing
# the same work twice (switching overhead), with the default interval.
import threading
import time

def work():
    x = 0
    for i in range(1000000):
        x += i

t0 = time.perf_counter()
work(); work()
serial = time.perf_counter() - t0
t0 = time.perf_counter()
ts = [threading.Thread(target=work) for _ in range(2)]
for t in ts: t.start()
for t in ts: t.join()
threaded = time.perf_counter() - t0
print("serial %.3f s, two threads %.3f s: ratio %.2f" % (serial, threaded, threaded / serial))
