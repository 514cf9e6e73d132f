# ffi callbacks that fail: an exception, a wrong result type or range, a
# wrong arity is reported on stderr ("Exception ignored in: ffi callback
# ...") and C gets 0; bad signatures and arguments raise at once.
import os
import ffi
from ffitest_lib import open_lib

lib = open_lib()
call_here = lib.bind("call_here", "int(void *, int)")
call_here_held = lib.bind("call_here", "int(void *, int)", hold_gil=True)
call_in_threads = lib.bind("call_in_threads", "long long(void *, int, int)")
apply_ptr = lib.bind("apply_ptr", "void *(void *, void *)")
apply_mixed = lib.bind("apply_mixed", "double(void *, double, int, double)")


def divide(x):
    return 100 // (x - 1)


def capture(fn):
    """Runs fn() with file descriptor 2 sent to a file; returns (result, stderr lines)."""
    name = "ffi_callback_errors.%d.tmp" % os.getpid()
    saved = os.dup(2)
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 2)
    os.close(fd)
    try:
        r = fn()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    with open(name) as f:
        text = f.read()
    os.unlink(name)
    lines = []
    for line in text.splitlines():
        if line.startswith('  File "'):
            path = line.split('"')[1]
            line = line.replace(path, os.path.basename(path))
        lines.append(line)
    return r, lines


def show(label, fn):
    r, lines = capture(fn)
    print(label, r)
    for line in lines:
        print("   ", line)


cb = ffi.callback("int(int)", divide)
show("raise, GIL released:", lambda: call_here(cb, 1))        # divide(1) raises, divide(2) = 100
show("raise, GIL held:", lambda: call_here_held(cb, 0))       # -100 + 0 (raises)
show("raise, native thread:", lambda: call_in_threads(cb, 1, 3))  # -100 + 0 (raises) + 100
show("wrong type:", lambda: call_here(ffi.callback("int(int)", lambda x: "text" if x else 1), 0))
show("out of range:", lambda: call_here(ffi.callback("int(int)", lambda x: 2 ** 31 * x), 0))
show("wrong arity:", lambda: call_here(ffi.callback("int(int)", lambda: 1), 5))
show("None for double:", lambda: apply_mixed(ffi.callback("double(double, int, double)", lambda a, b, c: None), 1, 2, 3))
show("bytes for pointer:", lambda: apply_ptr(ffi.callback("void *(void *)", lambda p: "x"), None))
show("void ignores result:", lambda: lib.bind("call_void_in_thread", "void(void *, long)")(
    ffi.callback("void(long)", lambda v: "anything"), 7))


def exits(x):
    raise SystemExit(3)


show("SystemExit:", lambda: call_here(ffi.callback("int(int)", exits), 1))

# Errors raised at once, in the calling script.
for bad in [lambda: ffi.callback(5, divide),
            lambda: ffi.callback("int(int)", 5),
            lambda: ffi.callback("int(in)", divide),
            lambda: ffi.callback("int(int", divide),
            lambda: ffi.callback("char *(int)", divide),
            lambda: ffi.callback("int(int)"),
            lambda: call_here(divide, 1),
            lambda: call_here(cb),
            lambda: call_here(cb, "1"),
            lambda: call_here(cb, 2 ** 31),
            lambda: call_here(cb, 1, x=2),
            lambda: ffi.function(None, "int(int)"),
            lambda: ffi.function(0, "int(int)"),
            lambda: ffi.function(cb, "int(int, float x)"),
            lambda: ffi.read(bytearray(8), "int", 2),
            lambda: ffi.read(bytearray(8), "int", -1),
            lambda: ffi.read(0, "int"),
            lambda: ffi.read(bytearray(8), "void"),
            lambda: ffi.read("text", "int"),
            lambda: ffi.write(b"12345678", "int", 1),
            lambda: ffi.write(bytearray(8), "char *", "text"),
            lambda: ffi.write(bytearray(8), "uint8_t", 256),
            lambda: ffi.write(bytearray(8), "int", 1.5),
            lambda: ffi.open("c").address("no_such_symbol_xyz")]:
    try:
        bad()
        print("no error")
    except Exception as e:
        print(type(e).__name__ + ":", str(e).split(" - ")[0])

# A working callback after all that, and read/write round trips.
print(call_here(cb, 2), capture(lambda: call_in_threads(cb, 2, 5))[0])
buf = bytearray(16)
for t, v in [("int8_t", -128), ("uint16_t", 65535), ("int", -7), ("double", 0.5), ("bool", True),
             ("uint64_t", 2 ** 64 - 1), ("float", 1.5), ("void *", 4096), ("void *", None)]:
    ffi.write(buf, t, v)
    print(t, ffi.read(buf, t), end="; ")
print()
print(ffi.open("c").address("qsort") > 0)
