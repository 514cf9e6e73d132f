# ffi call and callback costs, for python3 (ctypes) and gilkit (ffi) side
# by side: bench/run.sh runs it under both.  Needs tests/ext/libffitest.so
# (built by `make`, from tests/ffi/ffitest.c).
#   call_ns:      ns per call of int plusone(int) from a script loop, net
#                 of the empty loop; "release" drops the GIL around the call
#                 (ctypes CDLL, ffi default), "hold" keeps it (ctypes PyDLL,
#                 ffi hold_gil=True)
#   callback_ns:  ns per call of a script callback int(int) from a native
#                 thread that loops in C (the runtime attaches it on the first)
#   qsort_ms:     libc qsort of 20000 C ints with a script comparator
import os
import sys
import time

here = os.path.dirname(os.path.abspath(sys.argv[0]))
path = os.path.join(here, "..", "tests", "ext", "libffitest.so")
if not os.path.exists(path):
    print("bench/ffi_calls.py: build tests/ext/libffitest.so first (make)")
    sys.exit(0)

N = 1000000
NCB = 200000
REPEAT = 5

try:
    import ffi
    engine = "ffi"
    lib = ffi.open(path)
    libc = ffi.open("c")
    plusone_release = lib.bind("plusone", "int(int)")
    plusone_hold = lib.bind("plusone", "int(int)", hold_gil=True)
    call_in_thread_ns = lib.bind("call_in_thread_ns", "double(void *, int)")
    qsort = libc.bind("qsort", "void(void *, size_t, size_t, void *)")

    def callback_int(f):
        return ffi.callback("int(int)", f)

    def cmp_callback(f):
        return ffi.callback("int(const void *, const void *)", f)

    def read_int(p):
        return ffi.read(p, "int")
except ImportError:
    import ctypes
    engine = "ctypes"
    lib = ctypes.CDLL(path)
    plib = ctypes.PyDLL(path)
    libc = ctypes.CDLL(None)
    plusone_release = lib.plusone
    plusone_hold = plib.plusone
    for f in (plusone_release, plusone_hold):
        f.argtypes = [ctypes.c_int]
        f.restype = ctypes.c_int
    CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int)
    call_in_thread_ns = lib.call_in_thread_ns
    call_in_thread_ns.argtypes = [CB, ctypes.c_int]
    call_in_thread_ns.restype = ctypes.c_double
    CMP = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int))
    qsort = libc.qsort
    qsort.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t, CMP]
    qsort.restype = None

    def callback_int(f):
        return CB(f)

    def cmp_callback(f):
        return CMP(f)

    def read_int(p):
        return p[0]


def loop_empty(n):
    t = time.perf_counter()
    for i in range(n):
        pass
    return time.perf_counter() - t


def loop_call(f, n):
    t = time.perf_counter()
    for i in range(n):
        f(i)
    return time.perf_counter() - t


def best(fn, *args):
    return min(fn(*args) for _ in range(REPEAT))


empty = best(loop_empty, N)
for mode, f in (("release", plusone_release), ("hold", plusone_hold)):
    assert f(41) == 42
    t = best(loop_call, f, N)
    print("%s call_ns_%s %.1f" % (engine, mode, (t - empty) / N * 1e9))


def inc(x):
    return x + 1


cb = callback_int(inc)
ns = min(call_in_thread_ns(cb, NCB) for _ in range(REPEAT))
print("%s callback_ns %.1f" % (engine, ns))


def cmp(a, b):
    x = read_int(a)
    y = read_int(b)
    return (x > y) - (x < y)


ccmp = cmp_callback(cmp)
n = 20000
size = 4
data = bytearray(n * size)
x = 12345
for i in range(n):
    x = (x * 1103515245 + 12345) % 2147483648
    data[i * size:i * size + size] = (x - 1073741824).to_bytes(size, "little", signed=True)


def sort_once():
    buf = bytearray(data)
    if engine == "ffi":
        t = time.perf_counter()
        qsort(buf, n, size, ccmp)
        return time.perf_counter() - t
    arr = (ctypes.c_int * n).from_buffer(buf)
    t = time.perf_counter()
    qsort(arr, n, size, ccmp)
    return time.perf_counter() - t


print("%s qsort_ms %.1f" % (engine, min(sort_once() for _ in range(3)) * 1e3))
