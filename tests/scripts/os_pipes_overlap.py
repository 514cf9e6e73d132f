# N threads each block reading its own pipe at the same time; the main thread
# (which needs the GIL) then writes to every pipe and all of them finish.  A
# read that kept the GIL would hang here, so the bound is generous (10 s).
import os
import threading
import time

N = 8
pipes = [os.pipe() for _ in range(N)]
got = [None] * N
started = threading.Barrier(N + 1)

def reader(i):
    r = pipes[i][0]
    started.wait()
    got[i] = os.read(r, 16)

threads = [threading.Thread(target=reader, args=(i,)) for i in range(N)]
for t in threads:
    t.start()
started.wait()
time.sleep(0.05)          # let every reader reach its blocking read
blocked = sum(1 for g in got if g is None)
t0 = time.monotonic()
for i, (r, w) in enumerate(pipes):
    os.write(w, b"msg %d" % i)
for t in threads:
    t.join(10)
elapsed = time.monotonic() - t0
print("blocked at once:", blocked)
print("alive after join:", sum(t.is_alive() for t in threads))
print(got == [b"msg %d" % i for i in range(N)], elapsed < 10)
for r, w in pipes:
    os.close(r)
    os.close(w)

# The same with the builtin open() over a pipe's read end.
r, w = os.pipe()
out = []
def line_reader():
    with open(r, "rb") as f:
        out.append(f.readline())
t = threading.Thread(target=line_reader)
t.start()
time.sleep(0.02)
os.write(w, b"hello\n")
os.close(w)
t.join(10)
print(out)
