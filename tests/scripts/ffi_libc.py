# The ffi module: C functions from shared libraries, bound once, called often.
import ffi
libc = ffi.open("libc.so.6")
strlen = libc.bind("strlen", "size_t(const char *)")
abs_ = libc.bind("abs", "int(int)", hold_gil=True)
print(strlen("hello"), strlen(b"bytes!"), abs_(-42), strlen.__name__, strlen.signature)
libm = ffi.open("m")
cos = libm.bind("cos", "double(double)")
pow_ = libm.bind("pow", "double(double, double)")
print(cos(0.0), pow_(2, 10), ffi.sizeof("int"), ffi.sizeof("char *"), ffi.sizeof("uint16_t"))
for bad in [lambda: libc.bind("strlen", "size_t(const chr *)"),
            lambda: libc.bind("no_such_function_xyz", "int(void)"),
            lambda: ffi.open("/nonexistent/libnothing.so"),
            lambda: strlen(5),
            lambda: abs_(2 ** 31)]:
    try:
        bad()
    except Exception as e:
        print(type(e).__name__)
getpid = libc.bind("getpid", "int(void)")
print(getpid() > 0)
