# Daemon threads that spin or block never hang the exit; non-daemon threads are joined.
import threading, time
def spin():
    while True: pass
def block():
    threading.Lock().acquire(); l = threading.Lock(); l.acquire(); l.acquire()
for f in (spin, block, spin):
    threading.Thread(target=f, daemon=True).start()
def nd():
    time.sleep(0.2); print("non-daemon done")
threading.Thread(target=nd).start()
print("main done")
