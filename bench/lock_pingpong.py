# Two threads alternating through a pair of locks: each round trip is two
# lock hand-offs, each waking a thread blocked in acquire.  Target (issue
# #3): at most 10 us per round trip.
import threading
import time

N = 5000
a = threading.Lock()
b = threading.Lock()
a.acquire()
b.acquire()

def other():
    for _ in range(N):
        a.acquire()
        b.release()

t = threading.Thread(target=other)
t.start()
t0 = time.perf_counter()
for _ in range(N):
    a.release()
    b.acquire()
dt = time.perf_counter() - t0
t.join()
print("lock_pingpong_round_trip_us: %.2f" % (dt / N * 1e6))

# The same through an Event pair (Condition-based hand-off).
N2 = 2000
ping = threading.Event()
pong = threading.Event()
def ponger():
    for _ in range(N2):
        ping.wait()
        ping.clear()
        pong.set()
t = threading.Thread(target=ponger)
t.start()
t0 = time.perf_counter()
for _ in range(N2):
    ping.set()
    pong.wait()
    pong.clear()
dt = time.perf_counter() - t0
t.join()
print("event_pingpong_round_trip_us: %.2f" % (dt / N2 * 1e6))
