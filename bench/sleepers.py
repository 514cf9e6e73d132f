# 256 threads each sleeping 0.1 s: all sleeps overlap (sleep releases the
# GIL), so the whole run should take barely more than 0.1 s.  Target
# (issue #3): at most 0.15 s in all.
import threading
import time

N = 256
t0 = time.perf_counter()
ts = [threading.Thread(target=time.sleep, args=(0.1,)) for _ in range(N)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("sleepers_256x0.1s_s: %.3f" % (time.perf_counter() - t0))
