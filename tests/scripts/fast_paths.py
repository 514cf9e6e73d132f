# The eval loop's fast paths must give python3's results at their edges.
big = 2 ** 53
vals = [0, 1, -1, 3, big, big + 1, -big - 1, 2 ** 63 - 1, -2 ** 63, 2 ** 70]
floats = [0.0, -0.0, 0.5, -2.5, 1e300, float("inf"), float("-inf"), float("nan"), float(big)]
for i in vals:
    for f in floats:
        out = []
        for a, b in ((i, f), (f, i)):
            for name, op in (("+", lambda x, y: x + y), ("-", lambda x, y: x - y),
                             ("*", lambda x, y: x * y), ("/", lambda x, y: x / y)):
                try:
                    out.append(repr(op(a, b)))
                except (ZeroDivisionError, OverflowError) as e:
                    out.append(type(e).__name__ + ": " + str(e))
            out.append((a < b, a <= b, a == b, a != b, a > b, a >= b))
        print(i, f, out)
x = 1.5
x += 2
x -= 0.5
x *= 3
x /= 2
print(x, 7 / 2.0, 2.0 / 8, 1 - 0.25)
try:
    print(1.0 / 0)
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
try:
    print(1 / 0.0)
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)

# tuple assignment without a tuple
a, b = 1, 2
a, b = b, a
print(a, b)
a, b, c = "x", "y", "z"
c, a, b = a, b, c
print(a, b, c)
p, (q, r) = 1, (2, 3)
print(p, q, r)

# str() of ints
for v in (0, 7, -7, 10, 12345678901234, -9223372036854775808, 9223372036854775807, 2 ** 64, -(2 ** 64)):
    print(str(v), repr(v), f"{v}", "%d" % v)
