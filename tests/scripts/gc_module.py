# The gc module: collect() frees reference cycles (running __del__),
# disable()/enable()/isenabled() switch automatic collection.
import gc

freed = []

class Node:
    def __init__(self, name):
        self.name = name
        self.peer = None

    def __del__(self):
        freed.append(self.name)

gc.collect()
a, b = Node("a"), Node("b")
a.peer, b.peer = b, a
del a, b
print("before collect:", sorted(freed))
n = gc.collect()
print("collected something:", n >= 2)
print("after collect:", sorted(freed))
print("second collect:", gc.collect())
print(gc.isenabled())
gc.disable()
print(gc.isenabled())
gc.enable()
print(gc.isenabled())
try:
    gc.collect(1, 2)
except TypeError:
    print("TypeError")

# A finalizer that resurrects its object: the object survives the
# collection, keeps its attributes, and __del__ never runs twice.
saved = []
calls = []

class Phoenix:
    def __init__(self):
        self.me = self
        self.name = "phoenix"

    def __del__(self):
        calls.append(self.name)
        saved.append(self)

Phoenix()
gc.collect()
print("resurrected:", saved[0].name, calls)
saved[0].me = None
saved.clear()
gc.collect()
print("calls after second death:", calls)
