# Ctrl-C (SIGINT) interrupts a main-thread os.read blocked on a pipe: KeyboardInterrupt
# arrives while the read waits (gk_call_blocking with an unblock function).
import os, threading, time
r, w = os.pipe()
def killer():
    time.sleep(0.2)
    os.kill(os.getpid(), 2)
threading.Thread(target=killer).start()
t0 = time.monotonic()
try:
    os.read(r, 1)
    print("read returned")
except KeyboardInterrupt:
    print("KeyboardInterrupt", time.monotonic() - t0 < 5)
os.write(w, b"a")
print(os.read(r, 1))
