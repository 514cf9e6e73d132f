# An uncaught KeyboardInterrupt from a write blocked on a full pipe ends the
# program with exit status 130, as python3 (killed by SIGINT) gives in a shell.
import os, sys, threading, time

r, w = os.pipe()
os.set_blocking(w, False)
try:
    while True:
        os.write(w, b"f" * 4096)
except BlockingIOError:
    pass
try:
    while True:
        os.write(w, b"f")
except BlockingIOError:
    pass
os.set_blocking(w, True)


def k():
    time.sleep(0.2)
    os.kill(os.getpid(), 2)


threading.Thread(target=k, daemon=True).start()
print("writing to a full pipe")
sys.stdout.flush()
os.write(w, b"x" * 10)
print("not reached")
