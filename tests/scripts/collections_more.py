# Lists, dicts, sets and tuples: mutation, views, comparisons, errors.
a = list(range(10))
a[2:5] = ["x"]
del a[::3]
a[1:1] = [7, 8]
print(a, a[::-1], a.index(8))
b = [3, 1, 2]
b += (9,)
b *= 2
print(b, sorted(b, key=lambda v: -v), b.count(3), [1, 2] == [1, 2], [1, [2]] < [1, [3]])
d = dict.fromkeys("abc", 0)
d.update(b=5, z=1)
print(d, list(d.items())[1], d.popitem(), d.keys() & {"a", "q"}, {**d, "n": 1})
d2 = {i: i * i for i in range(6) if i != 3}
print(d2, sorted(d2.values(), reverse=True), min(d2), len(d2), 4 in d2, 9 in d2)
s = {1, 2, 3}
t = frozenset([3, 4])
print(sorted(s ^ t), sorted(s | t), s <= {1, 2, 3, 4}, s.isdisjoint(t), t, set())
print(sorted({(1, 2), (1, 2), (2, 1)}), {1, 2, 3} == {3, 2, 1}, {1: 2} == {1: 2.0})
tup = (1, 2, 3) + (4,)
print(tup, tup * 2, tup[1::2], tup.index(3), hash((1, 2)) == hash((1, 2)), (1,) < (1, 0))
nested = [[0] * 3 for _ in range(2)]
nested[0][1] = 5
print(nested, [x for row in nested for x in row if x], list(map(lambda r: sum(r), nested)))
x, *mid, y = range(6)
(p, q), r = (1, 2), 3
print(x, mid, y, p, q, r)
rec = [1]
rec.append(rec)
dd = {}
dd["self"] = dd
print(rec, dd)
for bad in [lambda: [][0], lambda: {}["k"], lambda: [1].remove(2), lambda: hash([]), lambda: (1, 2)[5]]:
    try:
        bad()
    except Exception as e:
        print(type(e).__name__, e)
print(list(zip(*[(1, "a"), (2, "b")])), list(enumerate([5, 6], start=3)), list(reversed(range(4))))
print(sum([[1], [2]], []), any(x > 2 for x in [1, 3]), all(()), sorted("hello"), list(range(0)))
