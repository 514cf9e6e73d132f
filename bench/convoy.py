# The convoy effect: an I/O-bound thread (200 short blocking calls) beside a
# CPU-bound thread.  Prints the I/O thread's slowdown against running alone
# and the CPU-bound thread's rate beside it against its solo rate.
import threading
import time

N = 200
NAP = 0.0001

def io_bound():
    t0 = time.perf_counter()
    for _ in range(N):
        time.sleep(NAP)
    return time.perf_counter() - t0

def cpu_rate(seconds):
    stop = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < stop:
        for _ in range(1000):
            pass
        n += 1
    return n / seconds

alone = io_bound()
solo_rate = cpu_rate(0.5)

result = {}
def spinner():
    result["rate"] = cpu_rate(1.5)
t = threading.Thread(target=spinner)
t.start()
time.sleep(0.05)
beside = io_bound()
t.join()
print("io alone %.1f ms, beside a CPU-bound thread %.1f ms: slowdown %.1fx" % (alone * 1e3, beside * 1e3, beside / alone))
print("CPU-bound thread beside the I/O thread keeps %.0f%% of its solo rate" % (100 * result["rate"] / solo_rate))
