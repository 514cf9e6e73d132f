# A switch interval of 1 microsecond: the GIL changes hands all the time,
# and everything still works (locks, conditions, queues, the results).
import sys
import threading
import queue

sys.setswitchinterval(1e-6)
print("interval", sys.getswitchinterval())

# CPU-bound threads, each with its own sum.
results = {}
def cpu(i):
    s = 0
    for k in range(200000):
        s += k * i
    results[i] = s
ts = [threading.Thread(target=cpu, args=(i,)) for i in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print("cpu", [results[i] for i in range(4)])

# A shared list under a lock.
items = []
lock = threading.Lock()
def append(i):
    for k in range(500):
        with lock:
            items.append((i, k))
ts = [threading.Thread(target=append, args=(i,)) for i in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print("items", len(items), len(set(items)))

# Producer and consumers through a queue, with a sentinel per consumer.
q = queue.Queue(maxsize=8)
got = []
got_lock = threading.Lock()
def consumer():
    while True:
        v = q.get()
        if v is None:
            q.task_done()
            return
        with got_lock:
            got.append(v)
        q.task_done()
cs = [threading.Thread(target=consumer) for _ in range(3)]
for c in cs: c.start()
for v in range(300):
    q.put(v)
for _ in cs:
    q.put(None)
q.join()
for c in cs: c.join()
print("queue", len(got), sum(got), sorted(got) == list(range(300)))

# A condition hand-off: two threads alternate strictly.
cond = threading.Condition()
turn = [0]
seq = []
def player(me):
    for _ in range(100):
        with cond:
            while turn[0] != me:
                cond.wait()
            seq.append(me)
            turn[0] = 1 - me
            cond.notify()
ps = [threading.Thread(target=player, args=(m,)) for m in (0, 1)]
for p in ps: p.start()
for p in ps: p.join()
print("alternate", len(seq), all(seq[i] != seq[i + 1] for i in range(len(seq) - 1)))

sys.setswitchinterval(0.005)
print("interval", sys.getswitchinterval())
