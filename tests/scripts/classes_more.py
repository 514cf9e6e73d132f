# Classes: dunder protocols, class attributes, descriptors, inheritance.
class Meters:
    __slots_doc = "units"
    count = 0
    def __init__(self, v):
        self.v = v
        Meters.count += 1
    def __repr__(self):
        return "Meters(%r)" % (self.v,)
    def __add__(self, o):
        return Meters(self.v + (o.v if isinstance(o, Meters) else o))
    __radd__ = __add__
    def __iadd__(self, o):
        self.v += o
        return self
    def __neg__(self):
        return Meters(-self.v)
    def __bool__(self):
        return self.v != 0
    def __eq__(self, o):
        return isinstance(o, Meters) and o.v == self.v
    def __lt__(self, o):
        return self.v < o.v
    def __hash__(self):
        return hash(self.v)
    def __call__(self, k):
        return self.v * k
    def __contains__(self, x):
        return x == self.v
    def __format__(self, spec):
        return format(self.v, spec) + "m"

m = Meters(3)
m += 2
print(m, 1 + m, m + Meters(1), -m, bool(Meters(0)), m(10), 5 in m, f"{m:>6}", sum([Meters(1), Meters(2)], 0))
print(sorted([Meters(3), Meters(1)]), Meters(1) == Meters(1), Meters(1) != Meters(2), Meters.count)
print(len({Meters(1), Meters(1), Meters(2)}), m > Meters(0))

class Base:
    def __init__(self):
        self.log = ["Base"]
    def who(self):
        return "Base"
    @classmethod
    def make(cls):
        return cls()

class Left(Base):
    def __init__(self):
        super().__init__()
        self.log.append("Left")
    def who(self):
        return "Left>" + super().who()

class Right(Base):
    def __init__(self):
        super().__init__()
        self.log.append("Right")
    def who(self):
        return "Right>" + super().who()

class Diamond(Left, Right):
    def __init__(self):
        super().__init__()
        self.log.append("Diamond")

d = Diamond()
print(d.log, d.who(), [c.__name__ for c in Diamond.__mro__], type(Diamond.make()).__name__)

class Temp:
    def __init__(self):
        self._c = 0
    @property
    def c(self):
        return self._c
    @c.setter
    def c(self, v):
        if v < -273:
            raise ValueError("too cold")
        self._c = v
t = Temp()
t.c = 25
print(t.c)
try:
    t.c = -300
except ValueError as e:
    print("ValueError", e)

class Dyn:
    def __getattr__(self, name):
        return name.upper()
print(Dyn().hello, getattr(Dyn(), "x"), hasattr(Dyn(), "anything"))

class MyList(list):
    def total(self):
        return sum(self)
ml = MyList([1, 2, 3])
ml.append(4)
print(ml, ml.total(), len(ml), isinstance(ml, list), type(ml).__name__)

class MyErr(KeyError):
    pass
try:
    raise MyErr("k")
except LookupError as e:
    print(type(e).__name__, e, isinstance(e, KeyError))
print(repr(Base()).startswith("<__main__.Base object at 0x"), str(Base) , Base.__name__, Base.__qualname__)
class Outer:
    class Inner:
        pass
print(Outer.Inner.__qualname__, Outer.Inner().__class__.__name__, vars(Temp()))
