# ffi callbacks called from native threads the runtime has never seen:
# each is attached on its first callback (one thread state per native
# thread, reused), several call back at the same time, and script threads
# keep running meanwhile.
import threading
import ffi
from ffitest_lib import open_lib

lib = open_lib()
call_in_threads = lib.bind("call_in_threads", "long long(void *, int, int)")
call_void_in_thread = lib.bind("call_void_in_thread", "void(void *, long)")

main_ident = threading.get_ident()
calls = []          # (thread ident, argument): list.append is atomic under the GIL


def record(x):
    calls.append((threading.get_ident(), x))
    return x * 2


cb = ffi.callback("int(int)", record)

# One new native thread, 100 calls: one thread state, not the main one's.
print(call_in_threads(cb, 1, 100), sum(range(100)) * 2)
idents = set(i for i, _ in calls)
print(len(calls), len(idents), main_ident in idents)

# Four native threads at once, 300 calls each.
del calls[:]
total = call_in_threads(cb, 4, 300)
print(total, 4 * sum(range(300)) * 2)
idents = set(i for i, _ in calls)
print(len(calls), len(idents), main_ident in idents)
per_thread = {}
for i, x in calls:
    per_thread.setdefault(i, []).append(x)
print(sorted(len(v) for v in per_thread.values()), all(v == list(range(300)) for v in per_thread.values()))

# A void callback from a native thread.
got = []
call_void_in_thread(ffi.callback("void(long)", lambda v: got.append(v * 3)), 14)
print(got)

# Native threads calling back while script threads run and call C too.
lock = threading.Lock()
counter = [0]


def counting(x):
    with lock:
        counter[0] += 1
    return 1


ccb = ffi.callback("int(int)", counting)
results = []


def script_thread(k):
    # Each script thread starts its own native threads; the C call releases
    # the GIL, so the other script threads and the callbacks interleave.
    results.append(call_in_threads(ccb, 2, 250))


spinning = [0]
stop = threading.Event()


def spinner():
    while not stop.is_set():
        spinning[0] += 1


sp = threading.Thread(target=spinner)
sp.start()
ts = [threading.Thread(target=script_thread, args=(k,)) for k in range(3)]
for t in ts:
    t.start()
for t in ts:
    t.join()
stop.set()
sp.join()
print(sorted(results), counter[0], spinning[0] > 0)

# A callback that calls a C function that releases the GIL, from a native
# thread: the GIL is given up and taken back inside the callback.
plusone = lib.bind("plusone", "int(int)")
nested = ffi.callback("int(int)", lambda x: plusone(x) + plusone(x))
print(call_in_threads(nested, 3, 50), 3 * sum(2 * (x + 1) for x in range(50)))
