# Pipe convoy: 200 one-byte round trips (write a byte, read the echo) between
# two threads through a pair of pipes, alone and beside a CPU-bound thread.
# Prints the round trips' slowdown (target at most 3x) and the share of its
# solo rate the CPU-bound thread keeps (target at least 80%).  Runs under
# python3 too.
import os
import threading
import time

N = 200

def cpu_rate(seconds):
    stop = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < stop:
        for _ in range(1000):
            pass
        n += 1
    return n / seconds

def round_trips():
    a_r, a_w = os.pipe()
    b_r, b_w = os.pipe()
    def echo():
        while True:
            c = os.read(a_r, 1)
            if not c or c == b"q":
                break
            os.write(b_w, c)
    t = threading.Thread(target=echo)
    t.start()
    t0 = time.perf_counter()
    for _ in range(N):
        os.write(a_w, b"x")
        os.read(b_r, 1)
    elapsed = time.perf_counter() - t0
    os.write(a_w, b"q")
    t.join()
    for fd in (a_r, a_w, b_r, b_w):
        os.close(fd)
    return elapsed

round_trips()                      # warm up
alone = min(round_trips() for _ in range(3))
solo_rate = cpu_rate(0.5)

result = {}
def spinner():
    result["rate"] = cpu_rate(1.0)
t = threading.Thread(target=spinner)
t.start()
time.sleep(0.05)
beside = round_trips()
t.join()
print("200 pipe round trips alone %.2f ms, beside a CPU-bound thread %.2f ms: slowdown %.1fx"
      % (alone * 1e3, beside * 1e3, beside / alone))
print("CPU-bound thread beside the round trips keeps %.0f%% of its solo rate"
      % (100 * result["rate"] / solo_rate))
