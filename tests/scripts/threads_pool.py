# Thread pools, futures and queues.
import threading
import queue
import time
from concurrent.futures import ThreadPoolExecutor, as_completed, wait, FIRST_COMPLETED

def cube(x):
    return x ** 3

with ThreadPoolExecutor(max_workers=3) as ex:
    print(list(ex.map(cube, range(6))))
    futs = {ex.submit(cube, i): i for i in range(5)}
    print(sorted(f.result() for f in as_completed(futs)))
    slow = ex.submit(time.sleep, 0.2)
    fast = ex.submit(cube, 2)
    done, not_done = wait([slow, fast], return_when=FIRST_COMPLETED)
    print(fast in done, len(done) + len(not_done))
    calls = []
    f = ex.submit(cube, 3)
    f.add_done_callback(lambda fut: calls.append(fut.result()))
    f.result()
    time.sleep(0.05)
    print(calls)

q = queue.Queue(maxsize=2)
q.put(1)
q.put(2)
try:
    q.put(3, timeout=0.01)
except queue.Full:
    print("queue.Full")
print(q.get(), q.get_nowait(), q.empty())
lq = queue.LifoQueue()
for i in range(3):
    lq.put(i)
print([lq.get() for _ in range(3)])
pq = queue.PriorityQueue()
for v in [5, 1, 3]:
    pq.put(v)
print([pq.get() for _ in range(3)])

ev = threading.Event()
t = threading.Timer(0.01, ev.set)
t.start()
print(ev.wait(2), t.name.startswith("Thread-"))
t.join()
b = threading.BoundedSemaphore(1)
b.acquire()
b.release()
try:
    b.release()
except ValueError as e:
    print("ValueError", e)
th = threading.Thread(target=lambda: None, name="named", daemon=True)
print(th.daemon, th.name, th.is_alive(), repr(th).startswith("<Thread(named, initial daemon"))
th.start()
th.join(1)
print(th.is_alive(), threading.current_thread() is threading.main_thread())
