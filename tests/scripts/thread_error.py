# An exception in a thread is printed to stderr; the program continues.
import threading
def bad():
    raise ValueError("in thread")
t = threading.Thread(target=bad, name="bad-one")
t.start()
t.join()
print("still running", t.is_alive())
