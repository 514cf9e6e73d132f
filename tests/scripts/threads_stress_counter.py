# 200 threads increment one counter under a Lock (and an RLock): the
# totals are exact however the threads interleave.
import threading

N_THREADS = 200
N_INCR = 100

counter = 0
rcounter = 0
lock = threading.Lock()
rlock = threading.RLock()
start = threading.Event()


def work(i):
    global counter, rcounter
    start.wait()
    for k in range(N_INCR):
        if k % 2:
            with lock:
                counter += 1
        else:
            lock.acquire()
            try:
                counter += 1
            finally:
                lock.release()
        with rlock:
            with rlock:
                rcounter += 1


threads = [threading.Thread(target=work, args=(i,)) for i in range(N_THREADS)]
for t in threads:
    t.start()
print("started", threading.active_count() - 1)
start.set()
for t in threads:
    t.join()
print("counter", counter, counter == N_THREADS * N_INCR)
print("rcounter", rcounter, rcounter == N_THREADS * N_INCR)
print("alive", sum(t.is_alive() for t in threads), threading.active_count())
print("lock free", not lock.locked())
