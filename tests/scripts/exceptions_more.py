# Exceptions: chaining, context, finally ordering, custom hierarchies.
def f():
    try:
        raise KeyError("a")
    except KeyError:
        raise ValueError("b")
try:
    f()
except ValueError as e:
    print(repr(e), repr(e.__context__), e.__cause__, e.__suppress_context__)
try:
    try:
        raise TypeError("x")
    except TypeError as e:
        raise RuntimeError("y") from None
except RuntimeError as e:
    print(e.__cause__, e.__suppress_context__, repr(e.__context__))

def order():
    out = []
    for i in range(3):
        try:
            if i == 1:
                continue
            out.append("try%d" % i)
        finally:
            out.append("fin%d" % i)
    return out
print(order())

def nested_finally():
    try:
        try:
            return "inner"
        finally:
            print("f1")
    finally:
        print("f2")
print(nested_finally())

def swallow():
    try:
        raise ValueError
    finally:
        return "finally wins"
print(swallow())

class E1(Exception):
    pass
class E2(E1):
    def __str__(self):
        return "custom str"
for exc in [E1("one"), E2(), OSError(2, "No such file"), StopIteration(5), SystemExit(3)]:
    try:
        raise exc
    except E1 as e:
        print("E1 branch", type(e).__name__, e)
    except OSError as e:
        print("OSError", e.errno, e.strerror, e)
    except StopIteration as e:
        print("stop", e.value)
    except BaseException as e:
        print("base", type(e).__name__, e.code)
print(ValueError(), repr(ValueError(1, 2)), str(KeyError("k")), ZeroDivisionError.__mro__[1].__name__)
try:
    raise
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    [].pop()
except IndexError as e:
    print(e)
def deep(n):
    return deep(n + 1)
try:
    deep(0)
except RecursionError as e:
    print("RecursionError:", e)
