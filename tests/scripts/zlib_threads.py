# zlib releases the GIL on large buffers: while two threads each compress
# 4 MiB, their calls overlap in time (with the GIL held through the call,
# the second thread could not even read the clock until the first is done).
import threading
import time
import zlib

noise = bytes([zlib.crc32(bytes([i & 255, i >> 8])) & 255 for i in range(65536)])
chunk = (noise + b"some text that compresses " * 100) * 62
calls = {}


def work(name):
    start = time.monotonic()
    out = zlib.compress(chunk, 9)
    end = time.monotonic()
    calls[name] = (start, end, zlib.decompress(out) == chunk)


ts = [threading.Thread(target=work, args=(k,)) for k in ("a", "b")]
for t in ts:
    t.start()
for t in ts:
    t.join()
a0, a1, aok = calls["a"]
b0, b1, bok = calls["b"]
shortest = min(a1 - a0, b1 - b0)
print("size:", len(chunk) >= 4 * 1024 * 1024)
print("round trips:", aok, bok)
print("threads overlap:", min(a1, b1) - max(a0, b0) > 0.5 * shortest)
