# Ctrl-C (SIGINT) interrupts main-thread writes that block: os.write on a full
# pipe and socket.sendall on a full socket raise KeyboardInterrupt promptly
# (the write waits in poll() beside a wake fd that the SIGINT handler signals).
# skip-under-tsan: TSan defers SIGINT delivery while the thread is blocked in poll(), so the wake never comes
import os, socket, threading, time


def sigint_soon():
    def k():
        time.sleep(0.2)
        os.kill(os.getpid(), 2)
    t = threading.Thread(target=k)
    t.start()
    return t


def fill(w):
    # Fills the pipe completely with non-blocking writes; returns the count.
    os.set_blocking(w, False)
    n = 0
    for size in (65536, 4096, 1):
        while True:
            try:
                n += os.write(w, b"f" * size)
            except BlockingIOError:
                break
    os.set_blocking(w, True)
    return n


r, w = os.pipe()
filled = fill(w)
t = sigint_soon()
t0 = time.monotonic()
try:
    os.write(w, b"x" * 100)
    print("os.write returned")
except KeyboardInterrupt:
    print("os.write: KeyboardInterrupt", time.monotonic() - t0 < 5)
t.join()
os.set_blocking(r, False)
got = 0
while True:
    try:
        b = os.read(r, 65536)
    except BlockingIOError:
        break
    got += len(b)
print("pipe kept what was written before:", got == filled)
# The pipe has room again: a blocking write goes through.
print(os.write(w, b"after"), os.read(r, 10))
os.close(r)
os.close(w)

a, b = socket.socketpair()
data = b"z" * (1 << 20)      # several times the socket buffer
t = sigint_soon()
t0 = time.monotonic()
try:
    a.sendall(data)
    print("sendall returned")
except KeyboardInterrupt:
    print("sendall: KeyboardInterrupt", time.monotonic() - t0 < 5)
t.join()
a.close()
b.close()
print("done")
