# Generators, closures and scope rules.
def gen():
    try:
        x = yield 1
        print("got", x)
        yield x * 2
    finally:
        print("cleanup")
g = gen()
print(next(g), g.send(21))
g.close()

def thrower():
    try:
        yield 1
    except ValueError as e:
        yield "caught " + str(e)
t = thrower()
next(t)
print(t.throw(ValueError("boom")))

def deleg():
    r = yield from inner()
    yield "inner returned " + str(r)
def inner():
    yield "a"
    yield "b"
    return 42
print(list(deleg()))

def make_counters():
    fs = []
    for i in range(3):
        def f(i=i):
            return i
        fs.append(f)
    return [f() for f in fs]
print(make_counters())

def outer():
    x = 1
    def mid():
        def inn():
            nonlocal x
            x += 10
            return x
        return inn
    return mid()()
print(outer())

x = "global"
def shadow():
    x = "local"
    return [x for _ in range(1)], (lambda: x)()
print(shadow(), x)
squares = {n: n * n for n in range(4)}
gen_sum = sum(n for n in range(10) if n % 2)
print(squares, gen_sum, list(zip(range(3), (c for c in "abc"))))
def count_up(n):
    i = 0
    while i < n:
        yield i
        i += 1
it = iter(count_up(3))
print(next(it), list(it), list(it))
def early():
    for i in range(10):
        yield i
        if i == 2:
            return
print(list(early()))
