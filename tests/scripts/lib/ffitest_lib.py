# Opens tests/ext/libffitest.so (built from tests/ffi/ffitest.c) for the
# ffi_* script tests: the test runner puts tests/ext on GILKIT_PATH.
import os
import sys
import ffi


def open_lib():
    for d in sys.path:
        p = os.path.join(d, "libffitest.so")
        if d and os.path.exists(p):
            return ffi.open(p)
    raise OSError("libffitest.so not found on sys.path: run make")
