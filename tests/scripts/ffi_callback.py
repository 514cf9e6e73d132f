# ffi callbacks: script functions as C function pointers, called from the
# calling thread, with and without the GIL held around the C call.
import ffi
from ffitest_lib import open_lib

libc = ffi.open("c")
lib = open_lib()

# qsort with a script comparator over a bytearray of C ints.
qsort = libc.bind("qsort", "void(void *, size_t, size_t, void *)")
qsort_held = libc.bind("qsort", "void(void *, size_t, size_t, void *)", hold_gil=True)
ncmp = [0]


def cmp_ints(a, b):
    ncmp[0] += 1
    x = ffi.read(a, "int")
    y = ffi.read(b, "int")
    return (x > y) - (x < y)


cmp = ffi.callback("int(const void *, const void *)", cmp_ints)
values = [5, -3, 99, 0, 42, 7, -100, 7, 2 ** 31 - 1, -2 ** 31]
n = len(values)
size = ffi.sizeof("int")
buf = bytearray(n * size)
for i, v in enumerate(values):
    ffi.write(buf, "int", v, i)
qsort(buf, n, size, cmp)
print([ffi.read(buf, "int", i) for i in range(n)])
print(ncmp[0] > 0)

# The same with the GIL held around qsort: the callback just runs.
for i, v in enumerate(values):
    ffi.write(buf, "int", ~v, i)
qsort_held(buf, n, size, cmp.address)
print([ffi.read(buf, "int", i) for i in range(n)])

# A C function is a comparator too: strcmp-like ordering of doubles.
dbuf = bytearray(4 * ffi.sizeof("double"))
for i, v in enumerate([2.5, -1.0, 1e10, 0.0]):
    ffi.write(dbuf, "double", v, i)
qsort(dbuf, 4, ffi.sizeof("double"),
      ffi.callback("int(double *, double *)",
                   lambda a, b: (ffi.read(a, "double") > ffi.read(b, "double"))
                   - (ffi.read(a, "double") < ffi.read(b, "double"))))
print([ffi.read(dbuf, "double", i) for i in range(4)])

# Callbacks of other signatures, called from C in this thread.
call_here = lib.bind("call_here", "int(void *, int)")
call_here_held = lib.bind("call_here", "int(void *, int)", hold_gil=True)
twice = ffi.callback("int(int)", lambda x: 2 * x)
print(call_here(twice, 10), call_here_held(twice, 10))

apply_mixed = lib.bind("apply_mixed", "double(void *, double, int, double)")
print(apply_mixed(ffi.callback("double(double, int, double)", lambda a, b, c: a * b + c), 1.5, 4, 0.25))

apply_float = lib.bind("apply_float", "float(void *, float)")
print(apply_float(ffi.callback("float(float)", lambda x: x * 2), 1.25))

seen = []


def on_str(s, n):
    seen.append((s, n))
    return len(s)


apply_str = lib.bind("apply_str", "int(void *, const char *)")
print(apply_str(ffi.callback("int(const char *, int)", on_str), "héllo"), seen)

apply_narrow = lib.bind("apply_narrow", "int(void *, int, int, int)")
print(apply_narrow(ffi.callback("int(signed char, unsigned short, bool)", lambda a, b, c: a * 100000 + b * 10 + c),
                   -5, 65535, 1))

apply_u64 = lib.bind("apply_u64", "uint64_t(void *, uint64_t, int64_t)")
print(apply_u64(ffi.callback("uint64_t(uint64_t, int64_t)", lambda a, b: a + b), 2 ** 63, 2 ** 62))

apply_ptr = lib.bind("apply_ptr", "void *(void *, void *)")
print(apply_ptr(ffi.callback("void *(void *)", lambda p: None if p is None else p + 8), 4096),
      apply_ptr(ffi.callback("void *(void *)", lambda p: p), None))

# A callback's pointer, called back from the script through ffi.function.
f = ffi.function(twice, "int(int)")
print(f(21), f.__name__, ffi.function(twice.address, "int(int)", hold_gil=True)(4))
print(twice.signature, twice.function(5), type(twice).__name__, isinstance(twice, ffi.Callback))

# Nested: a callback that calls C that calls another callback.
inner = ffi.callback("int(int)", lambda x: x + 1)
outer = ffi.callback("int(int)", lambda x: call_here(inner, x) * 1000)
print(call_here(outer, 1))

# Bound functions with many arguments, through the direct and libffi paths.
print(lib.bind("sum6", "int(int, int, int, int, int, int)")(1, 2, 3, 4, 5, 6))
print(lib.bind("mix7", "double(int, double, long, double, unsigned char, double, short)")(1, 2.0, 3, 4.0, 5, 6.0, 7))
print(lib.bind("wide", "int64_t(int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t)", hold_gil=True)(
    -128, 255, -32768, 65535, -2 ** 31, 2 ** 32 - 1))
print(lib.bind("plusone", "int(int)", hold_gil=True)(-1), lib.bind("plusone", "int(int)")(2 ** 31 - 2))

# Many callbacks alive at once (past the pool of compiled trampolines, the
# rest are libffi closures), then freed and made again.
many = [ffi.callback("int(int)", (lambda k: lambda x: x + k)(k)) for k in range(100)]
print(sum(call_here(c, 0) for c in many), len(set(c.address for c in many)))
del many
again = [ffi.callback("int(int)", (lambda k: lambda x: x * k)(k)) for k in range(70)]
print(sum(call_here_held(c, 1) for c in again))
