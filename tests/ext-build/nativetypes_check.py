# Drives tests/ext-build/nativetypes.c (built by tests/ext-build.sh).
import nativetypes as nt

c = nt.countdown(3)
print(type(c), type(c).__name__, str(c), list(c), str(c))
c = nt.countdown(4)
print(c[0], c[3], c(), c("s", 1), next(iter(c)), [x for x in c])
try:
    c[10]
except IndexError as e:
    print("IndexError:", e)
with nt.countdown(2) as w:
    print("inside", w.entered)
print("after", w.entered)
for expr in ["nt.Countdown()", "nt.Other()", "nt.data_of_other(c)", "nt.data_of_other(5)", "c.broken()",
             "next(nt.countdown(-1))", "c.entered.real", "nt.countdown(1).nope"]:
    try:
        print(expr, "->", eval(expr))
    except Exception as e:
        print(expr, "->", type(e).__name__ + ":", e)
for m in nt.bad_defs():
    print(m)
print(repr(nt.Countdown)[:35], nt.Countdown.__module__)
