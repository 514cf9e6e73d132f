# CPU-bound single thread: recursive calls and small-int arithmetic.
import time
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
t0 = time.perf_counter()
fib(27)
print("fib(27) %.3f s" % (time.perf_counter() - t0))
