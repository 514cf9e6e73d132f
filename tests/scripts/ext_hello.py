# The model extension module (examples/hello/hello.c), loaded at run time.
import threading
import time
import hello

print(hello.greet("gilkit"), hello.add(1.5, 2), hello.checksum(b"abc") > 0)
print(hello.slow_sum(1000), hello.__doc__)
try:
    hello.greet(3)
except TypeError as e:
    print("TypeError:", e)
try:
    hello.add("x", 1)
except TypeError as e:
    print("TypeError:", e)
try:
    hello.add(1.0)
except TypeError as e:
    print("TypeError:", e)
try:
    hello.add(1.0, 2 ** 40)
except OverflowError as e:
    print("OverflowError:", e)

# slow_sum runs without the GIL: two threads overlap with a spinning one.
results = []
def work():
    results.append(hello.slow_sum(2000000))
ts = [threading.Thread(target=work) for _ in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(results == [1999999000000] * 2)
