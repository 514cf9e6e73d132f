# Many short threads started and joined one after another (the memory side
# is checked in tests/unit/check_gil.c): each one runs, returns its result,
# and leaves nothing behind.
import threading

N = 1000
total = 0
box = [0]

def work(i):
    box[0] = i * 2

for i in range(N):
    t = threading.Thread(target=work, args=(i,))
    t.start()
    t.join()
    total += box[0]
    if t.is_alive():
        print("still alive", i)
print("total", total, total == N * (N - 1))
print("active", threading.active_count(), len(threading.enumerate()))

# Batches of concurrent threads.
done = []
lock = threading.Lock()
def mark(i):
    with lock:
        done.append(i)
for b in range(20):
    ts = [threading.Thread(target=mark, args=(b * 50 + k,)) for k in range(50)]
    for t in ts: t.start()
    for t in ts: t.join()
print("batches", len(done), sorted(done) == list(range(1000)))
print("active", threading.active_count())
