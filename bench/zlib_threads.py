# bench/zlib_threads.py: zlib compression of 8 x 4 MiB in 2 threads vs 1.
# zlib releases the GIL on large buffers, so on two cores the speedup should
# approach 2x (target: 1.8x).  Runs under python3 and gilkit alike.
import threading
import time
import zlib

noise = bytes([zlib.crc32(bytes([i & 255, i >> 8])) & 255 for i in range(65536)])
chunk = (noise + b"some text that compresses " * 100) * 62
JOBS = 8


def run(nthreads):
    per = JOBS // nthreads

    def work():
        for i in range(per):
            zlib.compress(chunk, 6)

    ts = [threading.Thread(target=work) for i in range(nthreads)]
    start = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return time.perf_counter() - start


run(1)
one = min(run(1), run(1))
two = min(run(2), run(2))
print("1 thread: %.3f s" % one)
print("2 threads: %.3f s" % two)
print("speedup: %.2fx" % (one / two))
