# Drives examples/ext (the extdemo module) after tests/ext-build.sh built it
# out of tree: every function, the native type, and calls from threads.
import threading
import extdemo

print(extdemo.__doc__)
print(extdemo.join(", ", [1, "two", 3.5]), repr(extdemo.join("", [])))
print(extdemo.stats([1, 2, 3, 4]), extdemo.stats(range(10)))
print(extdemo.noop(None), extdemo.noop.__name__, extdemo.noop.__doc__)
print(extdemo.clamp(5.0, 0.0, 2.5), extdemo.clamp(-1, 0, 1), extdemo.fib(90))
print(extdemo.digest(b"gilkit") == extdemo.digest(b"gilkit", 1), extdemo.digest(b"", 3) > 0)
print(extdemo.wait_ms(1))
for bad in ["extdemo.stats([])", "extdemo.stats(5)", "extdemo.join(1, [])", "extdemo.stats([1, 'x'])",
            "extdemo.fib('x')", "extdemo.clamp(1.0)", "extdemo.noop(x=1)", "extdemo.wait_ms(-1)",
            "extdemo.digest('str')"]:
    try:
        eval(bad)
        print(bad, "did not raise")
    except Exception as e:
        print(bad, "->", type(e).__name__)

# The native type.
C = extdemo.Counter
print(C, C.__name__, C.__module__, C.__doc__)
c = C(10)
print(c, c.add(), c.add(5), len(c), c.count, c.total)
c.total = 100
print(repr(c), str(c), c.total)
c.reset()
print(c, len(c))
m = c.add
print(m(2), C.add(c, 3), C.add.__doc__)
for bad in ["C('x')", "C(1, 2)", "c.add('x')", "c.reset(1)", "delattr(c, 'total')", "setattr(c, 'count', 1)",
            "setattr(c, 'total', 'x')", "c.nothing", "C.add(5)", "C.count.__get__(1)"]:
    try:
        eval(bad)
        print(bad, "did not raise")
    except Exception as e:
        print(bad, "->", type(e).__name__)
try:
    class Sub(C):
        pass
    print("subclassing did not raise")
except TypeError:
    print("subclassing -> TypeError")
before = extdemo.finalized()
for i in range(10):
    C(i)
del c, m
print(extdemo.finalized() - before)

# Threads: object-level calls, a shared Counter, GIL-free work, native threads.
shared = C()
results = []
def work(k):
    for i in range(200):
        shared.add(1)
        extdemo.noop(i)
        extdemo.fib(i % 50)
    results.append(extdemo.digest(b"x" * 1000, 50))
    results.append(extdemo.stats([k, k])[0])
ts = [threading.Thread(target=work, args=(k,)) for k in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(len(shared), shared.total, sorted(set(results)) == sorted({extdemo.digest(b"x" * 1000, 50), 2}))

calls = []
def hook():
    calls.append(threading.current_thread() is not threading.main_thread())
print(extdemo.call_from_thread(hook, 50), len(calls), all(calls))
def boom():
    raise ValueError("in a native thread")
print(extdemo.call_from_thread(boom, 3))
outer = []
def run_native():
    outer.append(extdemo.call_from_thread(lambda: extdemo.noop(0), 20))
ts = [threading.Thread(target=run_native) for _ in range(3)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(outer)
