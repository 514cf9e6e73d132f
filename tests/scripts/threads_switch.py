# Preemptive switching: a spinning thread cannot starve the others, and
# blocking calls let other threads run.
import sys
import threading
import time

sys.setswitchinterval(0.001)
progress = {"a": 0, "b": 0}
stop = False

def spin(key):
    while not stop:
        progress[key] += 1

ts = [threading.Thread(target=spin, args=(k,)) for k in "ab"]
for t in ts:
    t.start()
time.sleep(0.2)
stop = True
for t in ts:
    t.join()
print("both spinners ran:", progress["a"] > 0 and progress["b"] > 0)

results = []
def sleeper(i):
    time.sleep(0.1)
    results.append(i)
start = time.monotonic()
ts = [threading.Thread(target=sleeper, args=(i,)) for i in range(10)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("ten sleeps overlapped:", time.monotonic() - start < 0.5, sorted(results))

lock = threading.Lock()
t0 = time.monotonic()
lock.acquire()
print("timed acquire:", lock.acquire(timeout=0.05), time.monotonic() - t0 >= 0.04)
lock.release()
local = threading.local()
local.x = "main"
def setx():
    local.x = "worker"
t = threading.Thread(target=setx)
t.start()
t.join()
print(local.x)
print(sys.getswitchinterval())
